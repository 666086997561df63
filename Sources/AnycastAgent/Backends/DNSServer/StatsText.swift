/// The `name=value` lines that Unbound's and NSD's `stats_noreset` print, parsed.
///
/// Every line is `name=value` and ends with `\n` (`\r\n` is accepted). A value made only of
/// digits is an unsigned integer (counters); anything else that reads as a finite decimal
/// number (`0.000288`, `9.90476e-05`, `-1`) is a real number (times, averages).
///
/// Garbage never stops the parse and never crashes it: it is skipped and counted in
/// `skippedLines` (the first few are kept in `skippedSamples` for error messages). Garbage is
/// - a line without `=`, with an empty name or value (`total.num.que`, `x=`, `=5`), or with
///   a name that is not printable ASCII without spaces,
/// - a value that is not a number (`abc`, `12abc`, `nan`, `inf`, `0x1F`, ` `),
/// - a value too large to keep exactly: an integer above `UInt64.max` is NOT wrapped or
///   rounded into a double (`184467440737095516160` is skipped), a real that overflows to
///   infinity (`1e999`) is skipped,
/// - a blank line,
/// - the last line when it has no line end: the connection was cut in the middle of it
///   (`total.num.queries=12` cut from `...=1234`), so its value cannot be trusted.
/// An empty reply gives no entries and no skipped lines. A name that appears twice keeps
/// both entries in `entries`; lookups by name see the last one.
public struct StatsText: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case integer(UInt64)
        case real(Double)

        /// The value as a double (integers above 2^53 lose their low bits).
        public var double: Double {
            switch self {
            case .integer(let v): Double(v)
            case .real(let v): v
            }
        }

        /// The value when it is an integer.
        public var integer: UInt64? {
            if case .integer(let v) = self { v } else { nil }
        }
    }

    public struct Entry: Sendable, Hashable {
        public var name: String
        public var value: Value

        public init(name: String, value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// The well-formed lines, in the order the server printed them.
    public private(set) var entries: [Entry] = []
    /// How many lines were garbage (see the type's documentation).
    public private(set) var skippedLines = 0
    /// The first few garbage lines (each cut to 80 characters), for messages.
    public private(set) var skippedSamples: [String] = []
    private var index: [String: Int] = [:]

    static let maxSamples = 5

    public init(parsing text: String) {
        self.init(parsing: Array(text.utf8))
    }

    public init(parsing bytes: [UInt8]) {
        var start = 0
        var position = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "\n") {
                var end = position
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                consume(bytes[start..<end])
                start = position + 1
            }
            position += 1
        }
        if start < bytes.count {
            // No line end: cut off in transit, the value may be a prefix of the real one.
            skip(bytes[start...])
        }
    }

    public init(entries: [Entry]) {
        for entry in entries { append(entry) }
    }

    public subscript(name: String) -> Value? {
        index[name].map { entries[$0].value }
    }

    /// The integer value of `name`; nil when absent or not an integer.
    public func integer(_ name: String) -> UInt64? {
        self[name]?.integer
    }

    /// The value of `name` as a double; nil when absent.
    public func double(_ name: String) -> Double? {
        self[name]?.double
    }

    /// The entries whose name starts with `prefix`, in order, with the prefix removed
    /// (`withPrefix("num.rcode.")` gives `NOERROR`, `SERVFAIL`, ...). A repeated name
    /// appears once, with its last value.
    public func withPrefix(_ prefix: String) -> [(name: String, value: Value)] {
        entries.enumerated().compactMap { offset, entry in
            guard entry.name.hasPrefix(prefix), index[entry.name] == offset else { return nil }
            return (String(entry.name.dropFirst(prefix.count)), entry.value)
        }
    }

    /// The integer entries under `prefix` as a dictionary keyed by the rest of the name.
    public func integers(withPrefix prefix: String) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for (name, value) in withPrefix(prefix) {
            if let v = value.integer, !name.isEmpty { result[name] = v }
        }
        return result
    }

    // MARK: - Parsing

    private mutating func append(_ entry: Entry) {
        index[entry.name] = entries.count
        entries.append(entry)
    }

    private mutating func consume(_ line: ArraySlice<UInt8>) {
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
            skip(line)
            return
        }
        let name = line[line.startIndex..<equals]
        let raw = line[(equals + 1)...]
        guard !name.isEmpty, !name.contains(where: { $0 <= 0x20 || $0 >= 0x7f }),
              let value = Self.number(raw)
        else {
            skip(line)
            return
        }
        append(Entry(name: String(decoding: name, as: UTF8.self), value: value))
    }

    private mutating func skip(_ line: ArraySlice<UInt8>) {
        skippedLines += 1
        if skippedSamples.count < Self.maxSamples {
            skippedSamples.append(String(decoding: line.prefix(80), as: UTF8.self))
        }
    }

    /// An unsigned integer (digits only, no overflow) or a finite decimal real.
    static func number(_ raw: ArraySlice<UInt8>) -> Value? {
        guard !raw.isEmpty, raw.count <= 64 else { return nil }
        var digitsOnly = true
        for byte in raw {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): continue
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                digitsOnly = false
            default:
                return nil
            }
        }
        if digitsOnly {
            var value: UInt64 = 0
            for byte in raw {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                value = sum
            }
            return .integer(value)
        }
        guard raw.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let real = Double(String(decoding: raw, as: UTF8.self)), real.isFinite
        else { return nil }
        return .real(real)
    }
}
