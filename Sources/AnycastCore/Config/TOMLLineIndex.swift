/// Maps TOML key paths (`fleet.poll_interval`, `site[2].url`) to the line they are written on.
///
/// TOMLKit reports lines for syntax errors only; semantic errors (unknown keys, bad values,
/// duplicate ids) need this index to say where they are. It reads table headers and
/// `key = value` lines and skips the bodies of multi-line strings and arrays.
public struct TOMLLineIndex: Sendable {
    private var lines: [String: Int] = [:]

    public init(source: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        var skipUntilTripleQuote: String?
        var openBrackets = 0
        var lineNumber = 0
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(raw)
            if let quote = skipUntilTripleQuote {
                if line.contains(quote) { skipUntilTripleQuote = nil }
                continue
            }
            if openBrackets > 0 {
                openBrackets += Self.bracketBalance(line)
                continue
            }
            let text = Self.stripComment(line).trimmingWhitespace()
            if text.isEmpty { continue }
            if text.hasPrefix("[[") && text.hasSuffix("]]") {
                let name = Self.normalizeKey(String(text.dropFirst(2).dropLast(2)))
                let index = arrayCounts[name, default: -1] + 1
                arrayCounts[name] = index
                table = "\(name)[\(index)]"
                lines[table] = lineNumber
                continue
            }
            if text.hasPrefix("[") && text.hasSuffix("]") {
                table = Self.normalizeKey(String(text.dropFirst().dropLast()))
                lines[table] = lineNumber
                continue
            }
            guard let eq = Self.firstUnquotedEquals(in: text) else { continue }
            let key = Self.normalizeKey(String(text[..<eq]))
            let path = table.isEmpty ? key : "\(table).\(key)"
            if lines[path] == nil { lines[path] = lineNumber }
            let value = text[text.index(after: eq)...].trimmingWhitespace()
            for quote in ["\"\"\"", "'''"] where value.hasPrefix(quote) {
                if !value.dropFirst(3).contains(quote) { skipUntilTripleQuote = quote }
            }
            if skipUntilTripleQuote == nil, value.hasPrefix("[") {
                openBrackets = Self.bracketBalance(String(value))
            }
        }
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

    private static func normalizeKey(_ key: String) -> String {
        key.split(separator: ".").map { part in
            var s = part.trimmingWhitespace()
            if s.count >= 2, let f = s.first, f == "\"" || f == "'", s.last == f {
                s = s.dropFirst().dropLast()
            }
            return String(s)
        }.joined(separator: ".")
    }

    private static func stripComment(_ line: String) -> Substring {
        var quote: Character?
        var escaped = false
        for i in line.indices {
            let c = line[i]
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                return line[..<i]
            }
        }
        return line[...]
    }

    private static func firstUnquotedEquals(in text: Substring) -> Substring.Index? {
        var quote: Character?
        for i in text.indices {
            let c = text[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "=" { return i }
        }
        return nil
    }

    private static func bracketBalance(_ text: String) -> Int {
        var balance = 0
        var quote: Character?
        for c in stripComment(text) {
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "[" { balance += 1 } else if c == "]" { balance -= 1 }
        }
        return balance
    }
}
