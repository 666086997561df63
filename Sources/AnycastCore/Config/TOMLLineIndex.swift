/// Maps TOML key paths (`fleet.poll_interval`, `site[2].url`) to the line they are written on.
///
/// TOMLKit reports lines for syntax errors only; semantic errors (unknown keys, bad values,
/// duplicate ids) need this index to say where they are. TOMLSyntaxCheck fills it in the same
/// pass that checks the file's structure, with the table headers and the `key = value` lines
/// of the tables (not the keys inside inline tables or arrays).
public struct TOMLLineIndex: Sendable {
    private var lines: [String: Int] = [:]
    /// The table the keys that follow belong to (`site[2]`); empty at the top level.
    private var table = ""
    private var arrayCounts: [String: Int] = [:]

    init() {}

    /// A `[name]` header, or an `[[name]]` one (the next element of the array of tables).
    /// A sub-table of an array element (`[service.deprefer]` after `[[service]]`) belongs to
    /// the array's last element: `service[0].deprefer`.
    mutating func header(_ name: [String], isArray: Bool, line: Int) {
        var raw: [String] = []
        var path = ""
        for (i, part) in name.enumerated() {
            raw.append(part)
            path = path.isEmpty ? part : "\(path).\(part)"
            let key = raw.joined(separator: ".")
            if i == name.count - 1 && isArray {
                let index = arrayCounts[key, default: -1] + 1
                arrayCounts[key] = index
                path += "[\(index)]"
            } else if let index = arrayCounts[key] {
                path += "[\(index)]"
            }
        }
        table = path
        lines[table] = line
    }

    /// A `key = value` line of the current table; the first of a key counts.
    mutating func key(_ key: [String], line: Int) {
        let name = key.joined(separator: ".")
        let path = table.isEmpty ? name : "\(table).\(name)"
        if lines[path] == nil { lines[path] = line }
    }

    /// The line of `path`, else of its nearest enclosing table; `nil` if neither is written.
    public func line(of path: String) -> Int? {
        var p = path
        while true {
            if let l = lines[p] { return l }
            guard let dot = p.lastIndex(of: ".") else { return nil }
            p = String(p[..<dot])
        }
    }
}
