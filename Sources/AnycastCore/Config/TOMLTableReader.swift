import TOMLKit

/// Typed, located access to one TOML table: every wrong type or unknown key becomes a
/// `ConfigError` naming the file, the line and the full key.
public struct TOMLTableReader {
    let document: TOMLDocument
    let table: TOMLTable
    /// The table's key path, e.g. `site[2]`; empty for the top level.
    public let path: String

    init(document: TOMLDocument, table: TOMLTable, path: String) {
        self.document = document
        self.table = table
        self.path = path
    }

    /// The dotted name of `key` inside this table.
    public func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The line of `key` (or of this table when `key` is nil or not written).
    public func line(_ key: String? = nil) -> Int? {
        document.index.line(of: key.map(keyPath) ?? path)
    }

    /// An error located at `key` in this table.
    public func error(_ key: String?, _ message: String) -> ConfigError {
        ConfigError(file: document.file, line: line(key), message: message)
    }

    /// The keys of this table, in file order.
    public var keys: [String] { table.keys.sorted { (line($0) ?? .max) < (line($1) ?? .max) } }

    /// Whether `key` is present.
    public func has(_ key: String) -> Bool { table.contains(key: key) }

    /// Rejects keys outside `allowed`, naming the first in file order.
    public func rejectUnknownKeys(_ allowed: Set<String>) throws(ConfigError) {
        let unknown = table.keys.filter { !allowed.contains($0) }
            .sorted { (line($0) ?? .max) < (line($1) ?? .max) }
        if let first = unknown.first {
            let known = allowed.sorted().joined(separator: ", ")
            let place = path.isEmpty ? "at the top level" : "in \(path.tableDisplayName())"
            throw error(first, "unknown key '\(first)' \(place); known keys: \(known)")
        }
    }

    private func value(_ key: String) -> (any TOMLValueConvertible)? { table[key] }

    private func typeName(_ v: any TOMLValueConvertible) -> String {
        switch v.type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        default: "a date or time"
        }
    }

    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { throw error(key, "'\(keyPath(key))' must be a string, not \(typeName(v))") }
        return s
    }

    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw error(nil, "'\(keyPath(key))' is required") }
        if s.trimmingWhitespace().isEmpty { throw error(key, "'\(keyPath(key))' must not be empty") }
        return s
    }

    public func int(_ key: String) throws(ConfigError) -> Int? {
        guard let v = value(key) else { return nil }
        guard v.type == .int, let i = v.int else { throw error(key, "'\(keyPath(key))' must be an integer, not \(typeName(v))") }
        return i
    }

    /// An integer or a floating-point number.
    public func number(_ key: String) throws(ConfigError) -> Double? {
        guard let v = value(key) else { return nil }
        if v.type == .int, let i = v.int { return Double(i) }
        if v.type == .double, let d = v.double { return d }
        throw error(key, "'\(keyPath(key))' must be a number, not \(typeName(v))")
    }

    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard v.type == .bool, let b = v.bool else { throw error(key, "'\(keyPath(key))' must be true or false, not \(typeName(v))") }
        return b
    }

    /// A duration written as a string: `500ms`, `1s`, `2m`.
    public func duration(_ key: String) throws(ConfigError) -> Duration? {
        guard let s = try string(key) else { return nil }
        guard let d = ConfigDuration.parse(s) else {
            throw error(key, "'\(keyPath(key))' = \"\(s)\" is not a duration of at most a year (examples: \"500ms\", \"1s\", \"2m\")")
        }
        return d
    }

    /// The PEM file named by `key` (a relative path is under `folder`), checked to exist and
    /// hold `content`, `what` naming it in the error; nil when the key is absent.
    public func pemFile(_ key: String, holds content: PEMFile.Content, what: String, folder: String?) throws(ConfigError) -> String? {
        guard let written = try string(key) else { return nil }
        let path = AgentConfigLoader.resolvePath(written, against: folder)
        if let problem = PEMFile.problem(path, holds: content, what: what) { throw error(key, problem) }
        return path
    }

    public func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard let a = v.array else { throw error(key, "'\(keyPath(key))' must be an array of strings, not \(typeName(v))") }
        var result: [String] = []
        for element in a {
            guard let s = element.string else { throw error(key, "'\(keyPath(key))' must hold only strings") }
            result.append(s)
        }
        return result
    }

    /// A sub-table `[key]`, or `nil` when absent.
    public func table(_ key: String) throws(ConfigError) -> TOMLTableReader? {
        guard let v = value(key) else { return nil }
        guard let t = v.table else { throw error(key, "'\(keyPath(key))' must be a table ([\(keyPath(key))])") }
        return TOMLTableReader(document: document, table: t, path: keyPath(key))
    }

    /// The tables of an array of tables `[[key]]`, in file order.
    public func tableArray(_ key: String) throws(ConfigError) -> [TOMLTableReader] {
        guard let v = value(key) else { return [] }
        guard let a = v.array else { throw error(key, "'\(keyPath(key))' must be written as [[\(keyPath(key))]] tables") }
        var result: [TOMLTableReader] = []
        for (i, element) in a.enumerated() {
            guard let t = element.table else { throw error(key, "'\(keyPath(key))' must be written as [[\(keyPath(key))]] tables") }
            result.append(TOMLTableReader(document: document, table: t, path: "\(keyPath(key))[\(i)]"))
        }
        return result
    }
}

extension String {
    /// `site[2]` → `[[site]] #3`, `fleet` → `[fleet]`, for messages.
    /// `service[0].deprefer` → `[service.deprefer] of [[service]] #1`.
    fileprivate func tableDisplayName() -> String {
        guard let open = firstIndex(of: "["), let close = firstIndex(of: "]"),
              let n = Int(self[index(after: open)..<close]) else { return "[\(self)]" }
        let array = "[[\(self[..<open])]] #\(n + 1)"
        let rest = self[index(after: close)...]
        guard rest.hasPrefix(".") else { return array }
        return "[\(self[..<open])\(rest)] of \(array)"
    }
}
