/// A check of TOML's syntax made before toml++ (through TOMLKit) parses a config: toml++ 3.4
/// stops the whole process on an internal assertion for some malformed input (a table header
/// without a name, `x = [}`, a header after a byte-order mark...), which the fuzzers found.
/// This walks the grammar's structure (tables, keys, strings, arrays, inline tables) over
/// Unicode scalars and refuses what is malformed with its line, so toml++ only ever sees text
/// whose structure is sound. Scalar values (numbers, booleans, dates) are only delimited
/// here; toml++ checks what they say and reports its errors normally. The same pass notes the
/// line of every table and key (TOMLLineIndex), so the file is read once for both.
struct TOMLSyntaxCheck {
    /// What is wrong, and on which line.
    struct Failure: Error {
        var line: Int
        var message: String
    }

    /// The line of every table and key of `source`; the first structural error if it has one.
    static func index(of source: String) throws(Failure) -> TOMLLineIndex {
        var check = TOMLSyntaxCheck(Array(source.unicodeScalars))
        try check.document()
        return check.index
    }

    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var depth = 0
    private var index = TOMLLineIndex()
    /// Deeper nesting of arrays and inline tables than any config needs (toml++ stops at 256).
    private static let maxDepth = 64

    private init(_ scalars: [Unicode.Scalar]) { s = scalars }

    private var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    private func fail(_ message: String) -> Failure { Failure(line: line, message: message) }

    private static func isBareKey(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-")
    }

    private static func describe(_ c: Unicode.Scalar?) -> String {
        guard let c else { return "the end of the file" }
        if c == "\n" || c == "\r" { return "the end of the line" }
        if c.isASCII && c.value >= 0x20 && c.value < 0x7F { return "'\(Character(c))'" }
        return "U+" + String(c.value, radix: 16, uppercase: true)
    }

    private mutating func document() throws(Failure) {
        if peek == "\u{FEFF}" { i += 1 }
        while true {
            skipBlanks()
            guard let c = peek else { return }
            switch c {
            case "#": skipComment()
            case "\n", "\r": try newline()
            case "[":
                try header()
                try endOfLine()
            default:
                let keyLine = line
                index.key(try keyValue(), line: keyLine)
                try endOfLine()
            }
        }
    }

    private mutating func skipBlanks() {
        while let c = peek, c == " " || c == "\t" { i += 1 }
    }

    private mutating func skipComment() {
        while let c = peek, c != "\n" { i += 1 }
    }

    private mutating func newline() throws(Failure) {
        if peek == "\r" {
            guard peek(1) == "\n" else { throw fail("a carriage return must be followed by a line feed") }
            i += 1
        }
        i += 1
        line += 1
    }

    /// Blanks, a comment, then the end of the line (or of the file).
    private mutating func endOfLine() throws(Failure) {
        skipBlanks()
        if peek == "#" { skipComment() }
        guard let c = peek else { return }
        guard c == "\n" || c == "\r" else { throw fail("unexpected \(Self.describe(c)): one key = value or [table] a line") }
        try newline()
    }

    private mutating func header() throws(Failure) {
        let headerLine = line
        i += 1
        let isArray = peek == "["
        if isArray { i += 1 }
        skipBlanks()
        guard let c = peek, Self.isBareKey(c) || c == "\"" || c == "'" else {
            throw fail("a table header must start with its name (letters, digits, '_' and '-', or a quoted name), as in [fleet] or [[site]]")
        }
        let name = try key()
        skipBlanks()
        guard peek == "]", !isArray || peek(1) == "]" else {
            throw fail("the table header must end with \(isArray ? "]]" : "]"), not \(Self.describe(peek))")
        }
        i += isArray ? 2 : 1
        index.header(name, isArray: isArray, line: headerLine)
    }

    /// A dotted key; returns its parts.
    private mutating func key() throws(Failure) -> [String] {
        var parts: [String] = []
        while true {
            parts.append(try simpleKey())
            skipBlanks()
            guard peek == "." else { return parts }
            i += 1
            skipBlanks()
        }
    }

    /// A bare or quoted key; returns its name (a quoted one as written between its quotes).
    private mutating func simpleKey() throws(Failure) -> String {
        guard let c = peek else { throw fail("expected a key, found the end of the file") }
        let start = i
        if c == "\"" || c == "'" {
            try singleLineString()
            return Self.text(s[(start + 1)..<(i - 1)])
        } else if Self.isBareKey(c) {
            while let c = peek, Self.isBareKey(c) { i += 1 }
            return Self.text(s[start..<i])
        } else {
            throw fail("expected a key (letters, digits, '_' and '-', or a quoted name), found \(Self.describe(c))")
        }
    }

    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }

    /// `key = value`; returns the key's parts.
    @discardableResult
    private mutating func keyValue() throws(Failure) -> [String] {
        let name = try key()
        skipBlanks()
        guard peek == "=" else { throw fail("expected '=' after the key, found \(Self.describe(peek))") }
        i += 1
        skipBlanks()
        try value()
        return name
    }

    private mutating func value() throws(Failure) {
        guard let c = peek else { throw fail("expected a value, found the end of the file") }
        switch c {
        case "\"", "'":
            if peek(1) == c && peek(2) == c { try multiLineString() } else { try singleLineString() }
        case "[", "{":
            depth += 1
            guard depth <= Self.maxDepth else { throw fail("arrays and inline tables nested more than \(Self.maxDepth) deep") }
            if c == "[" { try array() } else { try inlineTable() }
            depth -= 1
        default: try scalar()
        }
    }

    /// Blanks, comments and line ends, as arrays allow between their values.
    private mutating func skipArraySpace() throws(Failure) {
        while let c = peek {
            if c == " " || c == "\t" { i += 1 } else if c == "#" { skipComment() } else if c == "\n" || c == "\r" { try newline() } else { return }
        }
    }

    private mutating func array() throws(Failure) {
        i += 1
        while true {
            try skipArraySpace()
            if peek == "]" { i += 1; return }
            try value()
            try skipArraySpace()
            if peek == "," { i += 1; continue }
            if peek == "]" { i += 1; return }
            throw fail("expected ',' or ']' in the array, found \(Self.describe(peek))")
        }
    }

    private mutating func inlineTable() throws(Failure) {
        i += 1
        skipBlanks()
        if peek == "}" { i += 1; return }
        while true {
            try keyValue()
            skipBlanks()
            if peek == "," { i += 1; skipBlanks(); continue }
            if peek == "}" { i += 1; return }
            throw fail("expected ',' or '}' in the inline table (on one line), found \(Self.describe(peek))")
        }
    }

    private mutating func singleLineString() throws(Failure) {
        let quote = s[i]
        i += 1
        while let c = peek {
            i += 1
            if c == quote { return }
            if c == "\n" || c == "\r" { break }
            if c == "\\" && quote == "\"" {
                guard let next = peek, next != "\n", next != "\r" else { break }
                i += 1
            }
        }
        throw fail("a string is not closed on its line")
    }

    private mutating func multiLineString() throws(Failure) {
        let quote = s[i]
        let opened = line
        i += 3
        while let c = peek {
            if c == quote && peek(1) == quote && peek(2) == quote {
                i += 3
                // Up to two more quotes belong to the string's text.
                if peek == quote { i += 1 }
                if peek == quote { i += 1 }
                return
            }
            if c == "\n" || c == "\r" { try newline(); continue }
            i += 1
            if c == "\\" && quote == "\"", let next = peek, next != "\n", next != "\r" { i += 1 }
        }
        throw Failure(line: opened, message: "a multi-line string is not closed")
    }

    /// A number, boolean, date or time, checked against TOML 1.0's grammar for them (toml++
    /// asserts on some malformed ones, such as a date-time whose time starts with ':'). A date
    /// and a time may be separated by one space.
    private mutating func scalar() throws(Failure) {
        func isScalar(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (Self.isBareKey(c) || c == "+" || c == "." || c == ":")
        }
        let start = i
        while let c = peek, isScalar(c) { i += 1 }
        guard i > start else { throw fail("expected a value (a string, number, boolean, date, array or inline table), found \(Self.describe(peek))") }
        // 1979-05-27 07:32:00: a date, one space, then a time.
        if i - start == 10, s[start + 4] == "-", peek == " ", let next = peek(1), ("0"..."9").contains(next) {
            i += 1
            while let c = peek, isScalar(c) { i += 1 }
        }
        let token = Array(s[start..<i].map { UInt8($0.value) })
        guard TOMLScalarGrammar.isValid(token) else {
            throw fail("'\(String(decoding: token, as: UTF8.self))' is not a TOML value (a number, true, false, a date or a time; strings need quotes)")
        }
    }
}
