import Foundation

/// Reads the common forms of a status update without `JSONDecoder` for its figures: the flat
/// object the agent sends once a second when the poller holds its revision, and the first
/// answer with the whole history window and a `status` object.
///
/// Why: the poller decodes one update per site per second, and Foundation's `JSONDecoder`
/// costs about 30 µs for these 300 bytes (about 0.9 µs per array element; BENCHMARKS.md),
/// a quarter of the poller's CPU; a whole history (1,800 numbers) took it about 1 ms. This
/// reader accepts only a strict subset of JSON, an object whose values are numbers, plain
/// strings, `null` or arrays of those, plus a `status` object that it hands to the
/// `JSONDecoder` given (that part is as irregular as the API, and small). It answers `nil`
/// for anything else (an escaped string, another nested object, a malformed or unusual
/// document), so that the caller decodes it with `JSONDecoder` as before. Where it answers,
/// it answers what `JSONDecoder` answers (tested on generated updates and on mutated bytes):
/// it never accepts a document that `JSONDecoder` rejects.
public enum FlatStatusUpdateReader {
    /// The update in `bytes`, or `nil` when the document is outside the subset. A `status`
    /// object is decoded with `statusDecoder`; without one, an update that has it is `nil`.
    /// `previous`, the update read before from the same agent, lends its strings where the
    /// bytes are the same: the revision (an older agent's is 16 characters, too long for a
    /// string without an allocation) and the rcode names change rarely.
    public static func read(_ bytes: UnsafeRawBufferPointer, statusDecoder: JSONDecoder? = nil, previous: StatusUpdate? = nil) -> StatusUpdate? {
        var spare: [RatePoint] = []
        return read(bytes, statusDecoder: statusDecoder, previous: previous, historyBuffer: &spare)
    }

    /// The same, with the update's history written into `historyBuffer`'s storage, which an
    /// update with points takes (leaving the buffer empty): a stream hands in the array of its
    /// line before, held by nothing else by then, so that a line's points cost no new array.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, statusDecoder: JSONDecoder? = nil, previous: StatusUpdate? = nil,
        historyBuffer: inout [RatePoint]
    ) -> StatusUpdate? {
        var scanner = Scanner(bytes: bytes, statusDecoder: statusDecoder)
        return scanner.update(previous: previous, historyBuffer: &historyBuffer)
    }

    /// The update in `data`, or `nil` when the document is outside the subset.
    public static func read(_ data: Data, statusDecoder: JSONDecoder? = nil, previous: StatusUpdate? = nil) -> StatusUpdate? {
        data.withUnsafeBytes { read($0, statusDecoder: statusDecoder, previous: previous) }
    }

    /// A value found in the document, by where its bytes are: nothing is made of it until
    /// the update is built, and a key the update does not hold costs only its scan.
    private enum Value {
        case null
        /// Where the number is, and its value where the scan could read it exactly
        /// (`Scanner.number()`); NaN where strtod must read the bytes.
        case number(Range<Int>, Double)
        /// Checked already: no escapes, no control characters, valid UTF-8.
        case string(Range<Int>, ascii: Bool)
        /// The bytes between an array's brackets, its items checked already.
        case numbers(Range<Int>, count: Int)
        case strings(Range<Int>, count: Int)
        /// An object's bytes, braces included, for `JSONDecoder`: only its extent is known.
        case object(Range<Int>)
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        let statusDecoder: JSONDecoder?

        init(bytes: UnsafeRawBufferPointer, statusDecoder: JSONDecoder?) {
            self.bytes = bytes
            self.statusDecoder = statusDecoder
        }

        mutating func update(previous: StatusUpdate?, historyBuffer: inout [RatePoint]) -> StatusUpdate? {
            // The values of the keys an update has, in the order of `keys`, on the stack.
            withUnsafeTemporaryAllocation(of: Value?.self, capacity: Scanner.keys.count) { values in
                values.initialize(repeating: nil)
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
                        guard let v = value(objectAllowed: key == Scanner.statusKey && statusDecoder != nil) else { return nil }
                        if key >= 0 {
                            guard seen & (1 << key) == 0 else { return nil }  // a repeated key
                            seen |= 1 << key
                            values[key] = v
                        }
                        skipSpace()
                        if take(UInt8(ascii: ",")) { continue }
                        guard take(UInt8(ascii: "}")) else { return nil }
                        break
                    }
                }
                skipSpace()
                guard i == bytes.count else { return nil }
                return build(UnsafeBufferPointer(values), previous: previous, historyBuffer: &historyBuffer)
            }
        }

        /// The keys of a status update, in the order `update` keeps their values.
        static let keys: [StaticString] = [
            "revision", "now", "qps", "queries_total", "sampled_at", "p50_ms", "p95_ms", "p99_ms",
            "success_ratio", "latency_source", "rcode_names", "rcode_totals", "history", "status",
        ]
        /// The one key whose value may be an object.
        static let statusKey = 13

        /// A key of at most 16 bytes as two words, its bytes in order from the low end and
        /// zeros after them (no byte of a key is zero): two keys are the same when their
        /// lengths and words are.
        struct PackedKey: Equatable {
            var length = 0
            var low: UInt64 = 0
            var high: UInt64 = 0

            init() {}

            init(_ key: StaticString) {
                let bytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
                for byte in bytes { add(byte) }
            }

            mutating func add(_ byte: UInt8) {
                if length < 8 { low |= UInt64(byte) << (8 * length) } else if length < 16 { high |= UInt64(byte) << (8 * (length - 8)) }
                length += 1
            }
        }

        /// `keys` packed, in the same order.
        static let packedKeys = keys.map(PackedKey.init)

        /// Reads a key: its index in `keys`, -1 for another key, nil if not a plain string.
        /// The key is packed as it is scanned and compared as two words, where a `memcmp` a
        /// name was a sixth of reading a line.
        mutating func keyIndex() -> Int? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            var ascii = true
            var packed = PackedKey()
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                let c = bytes[i]
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                if c >= 0x80 { ascii = false }
                packed.add(c)
                i += 1
            }
            guard i < bytes.count else { return nil }
            let key = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
            i += 1
            if !ascii { return String(validating: key, as: UTF8.self) == nil ? nil : -1 }
            guard packed.length <= 16 else { return -1 }
            return Scanner.packedKeys.firstIndex(of: packed) ?? -1
        }

        func build(_ values: UnsafeBufferPointer<Value?>, previous: StatusUpdate?, historyBuffer: inout [RatePoint]) -> StatusUpdate? {
            guard case .string(let revisionBytes, let revisionASCII)? = values[0], let now = double(values[1]) else { return nil }
            guard let qps = optionalDouble(values[2]),
                  let queriesTotal = optionalUInt(values[3]),
                  let sampledAt = optionalDouble(values[4]),
                  let p50 = optionalDouble(values[5]),
                  let p95 = optionalDouble(values[6]),
                  let p99 = optionalDouble(values[7]),
                  let successRatio = optionalDouble(values[8])
            else { return nil }
            var source = "none"
            switch values[9] {
            case nil, .null?: break
            case .string(let r, let ascii)?: source = string(r, ascii: ascii, reusing: previous?.latency.source)
            default: return nil
            }
            guard let names = items(values[10], strings: true), let totals = items(values[11], strings: false),
                  names.count == totals.count else { return nil }
            var rcodes = RcodeCounts()
            if names.count > 0 {
                // The names of the update before are shared while the line's are the same (as
                // good as always): only the totals are new, and they are held inline.
                let held = previous?.rcodes.names ?? []
                var sameNames = held.count == names.count
                var newNames: [String] = []
                var leading = RcodeCounts.Leading(repeating: 0)
                var trailing: [UInt64] = []
                var nameScan = Scanner(bytes: bytes, at: names.range.lowerBound)
                var totalScan = Scanner(bytes: bytes, at: totals.range.lowerBound)
                for k in 0..<names.count {
                    guard let (name, ascii) = nameScan.nextString(), let total = unsigned(totalScan.nextNumber()?.range) else { return nil }
                    if sameNames, !same(name, as: held[k]) {
                        sameNames = false
                        newNames.reserveCapacity(names.count)
                        newNames.append(contentsOf: held[..<k])
                    }
                    if !sameNames { newNames.append(string(name, ascii: ascii, reusing: k < held.count ? held[k] : nil)) }
                    if k < RcodeCounts.inlineCount { leading[k] = total } else { trailing.append(total) }
                }
                rcodes = sameNames
                    ? RcodeCounts(sortedNames: held, leading: leading, trailing: trailing)
                    : RcodeCounts(names: newNames, leading: leading, trailing: trailing)
            }
            guard let flat = items(values[12], strings: false), flat.count % 2 == 0 else { return nil }
            var history: [RatePoint] = []
            if flat.count > 0 {
                swap(&history, &historyBuffer)
                // Its storage is kept where nothing else holds it (otherwise this makes a new
                // one, as before), and unless it is much larger than needed: a whole window's
                // array, kept by every site, would be 14 KiB each.
                if history.capacity > max(flat.count, 16) { history = [] }
                history.removeAll(keepingCapacity: true)
                history.reserveCapacity(flat.count / 2)
                var scan = Scanner(bytes: bytes, at: flat.range.lowerBound)
                for _ in 0..<flat.count / 2 {
                    guard let t = finite(scan.nextNumber()), let q = finite(scan.nextNumber()) else { return nil }
                    history.append(RatePoint(t: Date(timeIntervalSince1970: t), qps: q))
                }
            }
            var status: SiteStatus?
            switch values[Scanner.statusKey] {
            case nil, .null?: break
            case .object(let r)?:
                // JSONDecoder checks every byte of it; a failure is left to the whole document's
                // decoding, which then reports it as before.
                guard let statusDecoder,
                      let decoded = try? statusDecoder.decode(SiteStatus.self, from: Data(UnsafeRawBufferPointer(rebasing: bytes[r])))
                else { return nil }
                status = decoded
            default: return nil
            }
            return StatusUpdate(
                revision: string(revisionBytes, ascii: revisionASCII, reusing: previous?.revision), now: Date(timeIntervalSince1970: now), qps: qps.value,
                queriesTotal: queriesTotal.value, rcodes: rcodes, sampledAt: sampledAt.value.map { Date(timeIntervalSince1970: $0) },
                latency: LatencyStatus(p50Ms: p50.value, p95Ms: p95.value, p99Ms: p99.value, source: source, successRatio: successRatio.value),
                history: history, status: status)
        }

        /// A present-or-absent value: `.some(nil)` for absent or null, `nil` for a wrong type.
        struct Field<T> { var value: T? }

        func double(_ v: Value?) -> Double? {
            guard case .number(let r, let value)? = v else { return nil }
            return finite((r, value))
        }

        func optionalDouble(_ v: Value?) -> Field<Double>? {
            switch v {
            case nil, .null?: return Field(value: nil)
            case .number(let r, let value)?: return finite((r, value)).map { Field(value: $0) }
            default: return nil
            }
        }

        func optionalUInt(_ v: Value?) -> Field<UInt64>? {
            switch v {
            case nil, .null?: return Field(value: nil)
            case .number(let r, _)?: return unsigned(r).map { Field(value: $0) }
            default: return nil
            }
        }

        /// An array's items, strings or numbers as asked; an absent or null array, or an empty
        /// one of either kind, reads as empty, as `decodeIfPresent(...) ?? []` does.
        func items(_ v: Value?, strings: Bool) -> (range: Range<Int>, count: Int)? {
            switch v {
            case nil, .null?: return (0..<0, 0)
            case .strings(let r, let n)? where strings || n == 0: return (r, n)
            case .numbers(let r, let n)? where !strings || n == 0: return (r, n)
            default: return nil
            }
        }

        /// Whether the string at `r` has the bytes of `old`.
        func same(_ r: Range<Int>, as old: String) -> Bool {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[r])
            return old.utf8.count == raw.count && (raw.isEmpty || old.utf8.withContiguousStorageIfAvailable({
                memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0
            }) == true)
        }

        /// The string at `r`; `old` itself when it has the same bytes.
        func string(_ r: Range<Int>, ascii: Bool, reusing old: String? = nil) -> String {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[r])
            if let old, same(r, as: old) { return old }
            // Checked when scanned: `validating` cannot fail here.
            return ascii ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self) ?? ""
        }

        /// A scanned number's value: the one the scan read, or else strtod's of its bytes.
        func finite(_ number: (range: Range<Int>, value: Double)?) -> Double? {
            guard let number else { return nil }
            if !number.value.isNaN { return number.value }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[number.range])
            guard let d = Double(String(decoding: raw, as: UTF8.self)), d.isFinite else { return nil }
            return d
        }

        /// Plain digits only (what `JSONDecoder` reads as `UInt64` without doubt).
        func unsigned(_ r: Range<Int>?) -> UInt64? {
            guard let r, !r.isEmpty else { return nil }
            var n: UInt64 = 0
            for k in r {
                let c = bytes[k]
                guard c >= 48, c <= 57 else { return nil }
                let (times10, o1) = n.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(c - 48))
                guard !o1, !o2 else { return nil }
                n = sum
            }
            return n
        }

        /// Re-reads an array checked before, from `at` (just inside its bracket or after an item).
        init(bytes: UnsafeRawBufferPointer, at: Int) {
            self.bytes = bytes
            self.i = at
            self.statusDecoder = nil
        }

        /// The next item of a checked array of numbers, and the comma after it.
        mutating func nextNumber() -> (range: Range<Int>, value: Double)? {
            skipSpace()
            let r = number()
            skipSpace()
            _ = take(UInt8(ascii: ","))
            return r
        }

        /// The next item of a checked array of strings, and the comma after it.
        mutating func nextString() -> (Range<Int>, Bool)? {
            skipSpace()
            let s = string()
            skipSpace()
            _ = take(UInt8(ascii: ","))
            return s
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

        mutating func value(objectAllowed: Bool) -> Value? {
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "{") where objectAllowed:
                return object()
            case UInt8(ascii: "\""):
                return string().map { .string($0.0, ascii: $0.1) }
            case UInt8(ascii: "n"):
                guard i + 4 <= bytes.count, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "l"),
                      bytes[i + 3] == UInt8(ascii: "l") else { return nil }
                i += 4
                return .null
            case UInt8(ascii: "["):
                return array()
            default:
                return number().map { .number($0.range, $0.value) }
            }
        }

        mutating func array() -> Value? {
            i += 1  // [
            let start = i
            skipSpace()
            if take(UInt8(ascii: "]")) { return .numbers(start..<start, count: 0) }
            let strings = i < bytes.count && bytes[i] == UInt8(ascii: "\"")
            var count = 0
            while true {
                skipSpace()
                if strings {
                    guard string() != nil else { return nil }
                } else {
                    guard number() != nil else { return nil }
                }
                count += 1
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return strings ? .strings(start..<i - 1, count: count) : .numbers(start..<i - 1, count: count)
            }
        }

        /// An object, followed to its closing brace through its strings (escapes included) and
        /// nesting, and checked no further: its bytes go to `JSONDecoder`, which checks them
        /// all, and only a valid object ends where this says it ends.
        mutating func object() -> Value? {
            let start = i
            var depth = 0
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    inString: while true {
                        guard i < bytes.count else { return nil }
                        let d = bytes[i]
                        i += d == UInt8(ascii: "\\") ? 2 : 1
                        if d == UInt8(ascii: "\"") { break inString }
                    }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return .object(start..<i) }
                default:
                    break
                }
            }
            return nil
        }

        /// A string without escapes or control characters, valid UTF-8: where its bytes are
        /// (inside the quotes) and whether they are all ASCII.
        mutating func string() -> (Range<Int>, Bool)? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            var ascii = true
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    let r = start..<i
                    i += 1
                    if !ascii, String(validating: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self) == nil { return nil }
                    return (r, ascii)
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                if c >= 0x80 { ascii = false }
                i += 1
            }
            return nil
        }

        /// A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        /// An unsigned 0 with an exponent straight after it is refused, to leave the document to
        /// JSONDecoder: swift-foundation's refuses `0e1` to `0e9` as a Double, though JSON allows
        /// them (and takes `-0e1`, `0e+1` and `0e10`). No agent writes such a number.
        ///
        /// With its bytes comes its value, read as it is scanned when it is a plain decimal (no
        /// exponent) of at most 15 significant digits and at most 22 after the point, and NaN
        /// for any other. Such digits make an integer a Double holds exactly, and one division
        /// by an exactly held power of ten rounds correctly (Clinger's fast path), so the value
        /// is strtod's. Every figure an agent sends is such a number; strtod was a tenth of
        /// reading a line, and a second pass over the digits another.
        mutating func number() -> (range: Range<Int>, value: Double)? {
            let start = i
            let negative = take(UInt8(ascii: "-"))
            guard i < bytes.count else { return nil }
            var digits = Digits()
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                if !negative, i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") { return nil }
            } else {
                guard scanDigits(into: &digits) else { return nil }
            }
            var places = 0
            if take(UInt8(ascii: ".")) {
                let point = i
                guard scanDigits(into: &digits) else { return nil }
                places = i - point
            }
            var plain = true
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                plain = false
                i += 1
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard scanDigits(into: &digits) else { return nil }
            }
            guard plain, digits.significant <= 15, places < FlatStatusUpdateReader.powersOfTen.count else { return (start..<i, .nan) }
            let value = Double(digits.mantissa) / FlatStatusUpdateReader.powersOfTen[places]
            return (start..<i, negative ? -value : value)
        }

        /// The significant digits of a number so far: leading zeros are not counted, and
        /// past 15 only counted.
        struct Digits {
            var mantissa: UInt64 = 0
            var significant = 0
        }

        /// One or more ASCII digits, added to `digits`.
        mutating func scanDigits(into digits: inout Digits) -> Bool {
            let start = i
            while i < bytes.count {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d <= 9 else { break }
                if digits.significant > 0 || d != 0 {
                    digits.significant += 1
                    if digits.significant <= 15 { digits.mantissa = digits.mantissa &* 10 &+ UInt64(d) }
                }
                i += 1
            }
            return i > start
        }
    }
}

extension FlatStatusUpdateReader {
    /// The value of `text`, a number in JSON's grammar, as the reader reads it while it scans
    /// (`Scanner.number()`): a plain decimal of at most 15 significant digits and at most 22
    /// after the point, exactly strtod's value. Nil for anything else.
    package static func exactDecimal(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { exactDecimal(UnsafeRawBufferPointer($0)) }
    }

    static func exactDecimal(_ text: UnsafeRawBufferPointer) -> Double? {
        var scanner = Scanner(bytes: text, at: 0)
        guard let number = scanner.number(), scanner.i == text.count, !number.value.isNaN else { return nil }
        return number.value
    }

    /// 10^0 ... 10^22, each held exactly by a Double; written out, so that the table is
    /// built when the program is, not checked for at each number.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
