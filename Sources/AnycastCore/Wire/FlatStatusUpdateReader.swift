import Foundation

/// Reads the common form of a status update, the flat object the agent sends once a second
/// when the poller holds its revision, without `JSONDecoder`.
///
/// Why: the poller decodes one update per site per second, and Foundation's `JSONDecoder`
/// costs about 30 µs for these 300 bytes (about 0.9 µs per array element; BENCHMARKS.md),
/// a quarter of the poller's CPU. This reader accepts only a strict subset of JSON, an object
/// whose values are numbers, plain strings, `null` or arrays of those, and answers `nil` for
/// anything else (an escaped string, a nested object such as `status`, a malformed or
/// unusual document), so that the caller decodes it with `JSONDecoder` as before. Where it
/// answers, it answers what `JSONDecoder` answers (tested on generated updates and on
/// mutated bytes): it never accepts a document that `JSONDecoder` rejects.
public enum FlatStatusUpdateReader {
    /// The update in `bytes`, or `nil` when the document is outside the subset.
    public static func read(_ bytes: UnsafeRawBufferPointer) -> StatusUpdate? {
        var scanner = Scanner(bytes: bytes)
        return scanner.update()
    }

    /// The update in `data`, or `nil` when the document is outside the subset.
    public static func read(_ data: Data) -> StatusUpdate? {
        data.withUnsafeBytes { read($0) }
    }

    private enum Value {
        case null
        case number(String)
        case string(String)
        case numbers([String])
        case strings([String])
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func update() -> StatusUpdate? {
            var fields = Fields()
            var seen: UInt32 = 0
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            skipSpace()
            if !take(UInt8(ascii: "}")) {
                while true {
                    skipSpace()
                    guard let key = keyIndex() else { return nil }
                    skipSpace()
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipSpace()
                    guard let v = value() else { return nil }
                    if key >= 0 {
                        guard seen & (1 << key) == 0 else { return nil }  // a repeated key
                        seen |= 1 << key
                        fields.values[key] = v
                    }
                    skipSpace()
                    if take(UInt8(ascii: ",")) { continue }
                    guard take(UInt8(ascii: "}")) else { return nil }
                    break
                }
            }
            skipSpace()
            guard i == bytes.count else { return nil }
            return Self.build(fields)
        }

        /// The keys of a status update, in the order of `Fields.values`.
        static let keys: [[UInt8]] = [
            "revision", "now", "qps", "queries_total", "sampled_at", "p50_ms", "p95_ms", "p99_ms",
            "success_ratio", "latency_source", "rcode_names", "rcode_totals", "history", "status",
        ].map { Array($0.utf8) }

        /// The values of the keys a status update has (others are read and dropped).
        struct Fields {
            var values = [Value?](repeating: nil, count: Scanner.keys.count)
        }

        /// Reads a key: its index in `keys`, -1 for another key, nil if not a plain string.
        mutating func keyIndex() -> Int? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            var ascii = true
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                let c = bytes[i]
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                if c >= 0x80 { ascii = false }
                i += 1
            }
            guard i < bytes.count else { return nil }
            let key = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
            i += 1
            if !ascii { return String(validating: key, as: UTF8.self) == nil ? nil : -1 }
            for (k, name) in Scanner.keys.enumerated() where name.count == key.count {
                if name.withUnsafeBytes({ $0.elementsEqual(key) }) { return k }
            }
            return -1
        }

        static func build(_ fields: Fields) -> StatusUpdate? {
            guard case .string(let revision)? = fields.values[0], let now = double(fields.values[1]) else { return nil }
            guard let qps = optionalDouble(fields.values[2]),
                  let queriesTotal = optionalUInt(fields.values[3]),
                  let sampledAt = optionalDouble(fields.values[4]),
                  let p50 = optionalDouble(fields.values[5]),
                  let p95 = optionalDouble(fields.values[6]),
                  let p99 = optionalDouble(fields.values[7]),
                  let successRatio = optionalDouble(fields.values[8])
            else { return nil }
            var source = "none"
            switch fields.values[9] {
            case nil, .null?: break
            case .string(let s)?: source = s
            default: return nil
            }
            guard let names = strings(fields.values[10]), let totalsText = numbers(fields.values[11]),
                  names.count == totalsText.count else { return nil }
            var rcodes: [String: UInt64] = [:]
            for (name, text) in zip(names, totalsText) {
                guard let total = unsigned(text) else { return nil }
                rcodes[name] = total
            }
            guard let flat = numbers(fields.values[12]), flat.count % 2 == 0 else { return nil }
            var history: [RatePoint] = []
            history.reserveCapacity(flat.count / 2)
            var k = 0
            while k < flat.count {
                guard let t = finite(flat[k]), let q = finite(flat[k + 1]) else { return nil }
                history.append(RatePoint(t: Date(timeIntervalSince1970: t), qps: q))
                k += 2
            }
            switch fields.values[13] {
            case nil, .null?: break
            default: return nil
            }
            return StatusUpdate(
                revision: revision, now: Date(timeIntervalSince1970: now), qps: qps.value, queriesTotal: queriesTotal.value,
                rcodes: rcodes, sampledAt: sampledAt.value.map { Date(timeIntervalSince1970: $0) },
                latency: LatencyStatus(p50Ms: p50.value, p95Ms: p95.value, p99Ms: p99.value, source: source, successRatio: successRatio.value),
                history: history, status: nil)
        }

        /// A present-or-absent value: `.some(nil)` for absent or null, `nil` for a wrong type.
        struct Field<T> { var value: T? }

        static func double(_ v: Value?) -> Double? {
            guard case .number(let text)? = v else { return nil }
            return finite(text)
        }

        static func optionalDouble(_ v: Value?) -> Field<Double>? {
            switch v {
            case nil, .null?: return Field(value: nil)
            case .number(let text)?: return finite(text).map { Field(value: $0) }
            default: return nil
            }
        }

        static func optionalUInt(_ v: Value?) -> Field<UInt64>? {
            switch v {
            case nil, .null?: return Field(value: nil)
            case .number(let text)?: return unsigned(text).map { Field(value: $0) }
            default: return nil
            }
        }

        /// An absent or null array reads as empty, as `decodeIfPresent(...) ?? []` does.
        static func strings(_ v: Value?) -> [String]? {
            switch v {
            case nil, .null?: return []
            case .strings(let s)?: return s
            case .numbers(let n)? where n.isEmpty: return []
            default: return nil
            }
        }

        static func numbers(_ v: Value?) -> [String]? {
            switch v {
            case nil, .null?: return []
            case .numbers(let n)?: return n
            case .strings(let s)? where s.isEmpty: return []
            default: return nil
            }
        }

        static func finite(_ text: String) -> Double? {
            if let d = FlatStatusUpdateReader.exactDecimal(text) { return d }
            guard let d = Double(text), d.isFinite else { return nil }
            return d
        }

        /// Plain digits only (what `JSONDecoder` reads as `UInt64` without doubt).
        static func unsigned(_ text: String) -> UInt64? {
            guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return UInt64(text)
        }

        mutating func skipSpace() {
            while i < bytes.count {
                let c = bytes[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func take(_ c: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        mutating func value() -> Value? {
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            case UInt8(ascii: "n"):
                guard i + 4 <= bytes.count, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "l"),
                      bytes[i + 3] == UInt8(ascii: "l") else { return nil }
                i += 4
                return .null
            case UInt8(ascii: "["):
                return array()
            default:
                return number().map { .number($0) }
            }
        }

        mutating func array() -> Value? {
            i += 1  // [
            skipSpace()
            if take(UInt8(ascii: "]")) { return .numbers([]) }
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                var items: [String] = []
                while true {
                    skipSpace()
                    guard let s = string() else { return nil }
                    items.append(s)
                    skipSpace()
                    if take(UInt8(ascii: ",")) { continue }
                    return take(UInt8(ascii: "]")) ? .strings(items) : nil
                }
            }
            var items: [String] = []
            while true {
                skipSpace()
                guard let n = number() else { return nil }
                items.append(n)
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]")) ? .numbers(items) : nil
            }
        }

        /// A string without escapes or control characters, valid UTF-8.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            var ascii = true
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                    i += 1
                    return ascii ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                if c >= 0x80 { ascii = false }
                i += 1
            }
            return nil
        }

        /// A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() -> String? {
            let start = i
            _ = take(UInt8(ascii: "-"))
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                guard digits() else { return nil }
            }
            if take(UInt8(ascii: ".")) { guard digits() else { return nil } }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard digits() else { return nil }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }

        /// One or more ASCII digits.
        mutating func digits() -> Bool {
            let start = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            return i > start
        }
    }
}

extension FlatStatusUpdateReader {
    /// A plain decimal (no exponent) of at most 15 significant digits and at most 22 after
    /// the point, read without strtod: its digits make an integer a Double holds exactly,
    /// and one division by an exactly held power of ten rounds correctly (Clinger's fast
    /// path), so the result is strtod's. Every figure an agent sends is such a number, and
    /// strtod was a tenth of reading a line. Nil for anything else.
    package static func exactDecimal(_ text: String) -> Double? {
        var mantissa: UInt64 = 0
        var significant = 0
        var fraction = 0
        var point = false
        var negative = false
        var anyDigit = false
        for (n, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "-") where n == 0:
                negative = true
            case UInt8(ascii: ".") where !point:
                point = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                anyDigit = true
                if point { fraction += 1 }
                // Leading zeros are not significant digits.
                if significant == 0 && b == UInt8(ascii: "0") { continue }
                significant += 1
                guard significant <= 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(b - UInt8(ascii: "0"))
            default:
                return nil
            }
        }
        guard anyDigit, fraction < powersOfTen.count else { return nil }
        let value = Double(mantissa) / powersOfTen[fraction]
        return negative ? -value : value
    }

    /// 10^0 ... 10^22, each held exactly by a Double.
    static let powersOfTen: [Double] = (0...22).map(pow10)

    private static func pow10(_ n: Int) -> Double {
        var x = 1.0
        for _ in 0..<n { x *= 10 }
        return x
    }
}
