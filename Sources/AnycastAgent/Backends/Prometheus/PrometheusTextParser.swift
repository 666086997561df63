/// A parsed Prometheus text exposition: its samples in order and what HELP/TYPE lines said.
public struct PrometheusExposition: Sendable {
    /// Every sample, in the order of the text.
    public var samples: [PrometheusSample]
    /// Families by name, from `# HELP` / `# TYPE` lines (a family may have no samples).
    public var families: [String: PrometheusFamily]

    public init(samples: [PrometheusSample] = [], families: [String: PrometheusFamily] = [:]) {
        self.samples = samples
        self.families = families
    }

    /// The samples whose metric name is exactly `name`.
    public func samples(named name: String) -> [PrometheusSample] {
        samples.filter { $0.name == name }
    }

    /// Distinct sample names, in order of first appearance.
    public var metricNames: [String] {
        var seen = Set<String>()
        return samples.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// The family a sample name belongs to: itself, or a histogram's/summary's `_bucket`,
    /// `_sum`, `_count`.
    public func family(ofSample name: String) -> PrometheusFamily? {
        if let family = families[name] { return family }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let family = families[base], family.type == .histogram || (family.type == .summary && suffix != "_bucket") {
                return family
            }
        }
        return nil
    }

    /// The classic histogram `name` (series `name_bucket{le=...}`), adding up the series
    /// that match `labels` bucket by bucket; nil when no bucket series matches.
    public func histogram(_ name: String, matching labels: [String: String] = [:]) -> PrometheusHistogram? {
        PrometheusHistogram(samples: samples, name: name, matching: labels)
    }
}

/// Parses the Prometheus text exposition format 0.0.4.
///
/// Handles `# HELP` / `# TYPE` (unknown types become `untyped`) and other comments, blank
/// lines, CRLF line ends, samples with and without labels, label values with the escapes
/// `\\`, `\"` and `\n`, values such as `NaN`, `+Inf`, `-Inf`, `1.5e-3`, and optional integer
/// millisecond timestamps. Rejected: malformed lines, unknown escapes in label values,
/// duplicate label names in one sample, a second HELP or TYPE line for one family.
/// Samples of one family need not be contiguous (dnsdist 1.7 interleaves them).
public enum PrometheusTextParser {
    /// Parses `text`; the first invalid line throws.
    public static func parse(_ text: String) throws(PrometheusParseError) -> PrometheusExposition {
        var state = ParseState()
        var failure: PrometheusParseError?
        run(text) { lineNumber, line in
            do throws(PrometheusParseError) {
                try parseLine(line, number: lineNumber, into: &state)
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return state.exposition
    }

    /// Parses `text`, skipping invalid lines: the samples of every valid line, and an error
    /// per skipped line. One bad line from an exporter must not hide all the others.
    public static func parseLenient(_ text: String) -> (exposition: PrometheusExposition, errors: [PrometheusParseError]) {
        var state = ParseState()
        var errors: [PrometheusParseError] = []
        run(text) { lineNumber, line in
            do throws(PrometheusParseError) {
                try parseLine(line, number: lineNumber, into: &state)
            } catch {
                errors.append(error)
            }
            return true
        }
        return (state.exposition, errors)
    }

    // MARK: - Lines

    /// Calls `body` with each line (1-based number, bytes without `\n` / `\r\n`) until it
    /// answers false.
    private static func run(_ text: String, _ body: (Int, Slice<UnsafeBufferPointer<UInt8>>) -> Bool) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            var number = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                number += 1
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                if !body(number, bytes[start..<lineEnd]) { return }
                start = end + 1
            }
        }
    }

    private static func parseLine(
        _ line: Slice<UnsafeBufferPointer<UInt8>>, number: Int, into state: inout ParseState
    ) throws(PrometheusParseError) {
        var c = Cursor(bytes: line, line: number)
        c.skipBlanks()
        guard let first = c.peek else { return } // blank line
        if first == UInt8(ascii: "#") {
            c.advance()
            try parseComment(&c, into: &state)
        } else {
            state.exposition.samples.append(try parseSample(&c))
        }
    }

    private static func parseComment(_ c: inout Cursor, into state: inout ParseState) throws(PrometheusParseError) {
        c.skipBlanks()
        let keyword = c.token()
        guard keyword == "HELP" || keyword == "TYPE" else { return } // an ordinary comment
        c.skipBlanks()
        let name = c.metricName()
        guard !name.isEmpty else { throw c.error("# \(keyword) without a metric name") }
        guard c.atEnd || c.isBlank else { throw c.error("invalid metric name in # \(keyword) line") }
        c.skipBlanks()
        var family = state.exposition.families[name] ?? PrometheusFamily(name: name)
        if keyword == "HELP" {
            guard family.help == nil else { throw c.error("second # HELP line for \(name)") }
            family.help = c.helpText()
        } else {
            let word = c.token()
            guard !word.isEmpty else { throw c.error("# TYPE \(name) without a type") }
            guard state.typed.insert(name).inserted else { throw c.error("second # TYPE line for \(name)") }
            family.type = PrometheusMetricType(typeWord: word)
        }
        state.exposition.families[name] = family
    }

    private static func parseSample(_ c: inout Cursor) throws(PrometheusParseError) -> PrometheusSample {
        let name = c.metricName()
        guard !name.isEmpty else {
            throw c.error("expected a metric name, found \(c.excerpt())")
        }
        guard c.atEnd || c.isBlank || c.peek == UInt8(ascii: "{") else {
            throw c.error("invalid character in metric name \(c.excerpt())")
        }
        c.skipBlanks()
        var labels: [String: String] = [:]
        if c.peek == UInt8(ascii: "{") {
            c.advance()
            labels = try parseLabels(&c, metric: name)
            c.skipBlanks()
        }
        let valueText = c.token()
        guard !valueText.isEmpty else { throw c.error("\(name) has no value") }
        guard !valueText.contains("("), let value = Double(valueText) else {
            throw c.error("invalid value \"\(valueText.prefix(40))\" for \(name)")
        }
        c.skipBlanks()
        var timestamp: Int64?
        if !c.atEnd {
            let text = c.token()
            guard let t = Int64(text) else { throw c.error("invalid timestamp \"\(text.prefix(40))\" for \(name)") }
            timestamp = t
            c.skipBlanks()
            guard c.atEnd else { throw c.error("unexpected text after the timestamp of \(name): \(c.excerpt())") }
        }
        return PrometheusSample(name: name, labels: labels, value: value, timestampMs: timestamp)
    }

    /// After `{`: `name="value"` pairs separated by commas (a trailing comma is allowed) up to `}`.
    private static func parseLabels(_ c: inout Cursor, metric: String) throws(PrometheusParseError) -> [String: String] {
        var labels: [String: String] = [:]
        while true {
            c.skipBlanks()
            if c.peek == UInt8(ascii: "}") {
                c.advance()
                return labels
            }
            let label = c.labelName()
            guard !label.isEmpty else {
                throw c.error(c.atEnd ? "unterminated label set of \(metric)" : "expected a label name in \(metric){...}, found \(c.excerpt())")
            }
            c.skipBlanks()
            guard c.peek == UInt8(ascii: "=") else { throw c.error("expected = after label \(label) of \(metric)") }
            c.advance()
            c.skipBlanks()
            guard c.peek == UInt8(ascii: "\"") else { throw c.error("expected \" to start the value of label \(label) of \(metric)") }
            c.advance()
            let value = try c.labelValue(label: label, metric: metric)
            guard labels.updateValue(value, forKey: label) == nil else {
                throw c.error("duplicate label \(label) in \(metric)")
            }
            c.skipBlanks()
            switch c.peek {
            case UInt8(ascii: ","): c.advance()
            case UInt8(ascii: "}"): continue
            case nil: throw c.error("unterminated label set of \(metric)")
            default: throw c.error("expected , or } after label \(label) of \(metric), found \(c.excerpt())")
            }
        }
    }
}

/// What parsing has gathered so far.
private struct ParseState {
    var exposition = PrometheusExposition()
    /// Families that had a `# TYPE` line (an `untyped` family may have had none).
    var typed = Set<String>()
}

/// A position in one line.
private struct Cursor {
    let bytes: Slice<UnsafeBufferPointer<UInt8>>
    let line: Int
    var index: Int

    init(bytes: Slice<UnsafeBufferPointer<UInt8>>, line: Int) {
        self.bytes = bytes
        self.line = line
        self.index = bytes.startIndex
    }

    var atEnd: Bool { index >= bytes.endIndex }
    var peek: UInt8? { atEnd ? nil : bytes[index] }
    var isBlank: Bool { peek == UInt8(ascii: " ") || peek == UInt8(ascii: "\t") }

    mutating func advance() { index += 1 }

    mutating func skipBlanks() {
        while isBlank { index += 1 }
    }

    func error(_ reason: String) -> PrometheusParseError {
        PrometheusParseError(line: line, reason: reason)
    }

    /// Up to 40 characters from here, quoted, for error messages.
    func excerpt() -> String {
        guard !atEnd else { return "end of line" }
        let end = min(bytes.endIndex, index + 40)
        return "\"" + String(decoding: bytes[index..<end], as: UTF8.self) + (end < bytes.endIndex ? "…" : "") + "\""
    }

    private func string(_ from: Int) -> String {
        String(decoding: bytes[from..<index], as: UTF8.self)
    }

    /// Bytes up to the next blank or the end of the line.
    mutating func token() -> String {
        let start = index
        while !atEnd && !isBlank { index += 1 }
        return string(start)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, or "" when none starts here.
    mutating func metricName() -> String {
        name(allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, or "" when none starts here.
    mutating func labelName() -> String {
        name(allowColon: false)
    }

    private mutating func name(allowColon: Bool) -> String {
        let start = index
        while let b = peek {
            let letter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_") || (allowColon && b == UInt8(ascii: ":"))
            let digit = b >= 0x30 && b <= 0x39
            guard letter || (digit && index > start) else { break }
            index += 1
        }
        return string(start)
    }

    /// The rest of the line, with `\\` and `\n` unescaped (other backslashes kept as written).
    mutating func helpText() -> String {
        var out: [UInt8] = []
        while let b = peek {
            index += 1
            if b == UInt8(ascii: "\\"), let next = peek {
                if next == UInt8(ascii: "\\") { out.append(next); index += 1; continue }
                if next == UInt8(ascii: "n") { out.append(UInt8(ascii: "\n")); index += 1; continue }
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// After the opening quote: the value up to the closing quote, unescaping `\\`, `\"`, `\n`.
    mutating func labelValue(label: String, metric: String) throws(PrometheusParseError) -> String {
        var out: [UInt8] = []
        while let b = peek {
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let next = peek else { break }
                index += 1
                switch next {
                case UInt8(ascii: "\\"): out.append(next)
                case UInt8(ascii: "\""): out.append(next)
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                default:
                    throw error("invalid escape \\\(Character(Unicode.Scalar(next))) in the value of label \(label) of \(metric)")
                }
            default:
                out.append(b)
            }
        }
        throw error("unterminated value of label \(label) of \(metric)")
    }
}
