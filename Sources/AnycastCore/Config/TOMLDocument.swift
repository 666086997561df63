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
        do {
            index = try TOMLSyntaxCheck.index(of: source)
        } catch {
            throw ConfigError(file: file, line: error.line, message: "TOML syntax: \(error.message)")
        }
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
