import TOMLKit

/// A parsed TOML file together with the line of every key, for errors that say where.
public struct TOMLDocument {
    /// The file name used in error messages.
    public let file: String
    let root: TOMLTable
    let index: TOMLLineIndex

    /// Parses `source`; a syntax error becomes a `ConfigError` with the line TOMLKit found.
    public init(source: String, file: String) throws(ConfigError) {
        self.file = file
        if let failure = TOMLSyntaxCheck.failure(in: source) {
            throw ConfigError(file: file, line: failure.line, message: "TOML syntax: \(failure.message)")
        }
        index = TOMLLineIndex(source: source)
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: "TOML syntax: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, message: "TOML syntax: \(error)")
        }
    }

    /// A reader over the top-level table.
    public var rootReader: TOMLTableReader { TOMLTableReader(document: self, table: root, path: "") }
}
