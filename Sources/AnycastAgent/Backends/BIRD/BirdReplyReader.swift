/// Incremental framing of the byte stream from the socket: the greeting, replies, and `+` asynchronous lines.
///
/// Rules (BIRD 2 control protocol): a line starting with 4 digits and `-` is a reply line with
/// more to come; 4 digits and a space ends the reply; a line starting with one space continues
/// the previous code; a line starting with `+` is an asynchronous message that neither joins
/// nor ends a reply. Anything else is `.malformed`. After a thrown error the reader has dropped
/// its partial state; the connection should be treated as unusable.
public struct BirdReplyReader: Sendable {
    /// Longest accepted line, so a broken peer cannot grow the buffer without bound.
    public static let maxLineLength = 1 << 20
    /// How many asynchronous messages are kept.
    public static let asyncMessageLimit = 100

    private var pending: [UInt8] = []
    private var lines: [BirdReplyLine] = []
    private var async: [String] = []

    public init() {}

    /// Asynchronous `+` lines seen so far (they never end or join a reply); the reader keeps only the last 100.
    /// The text is what follows the `+`, with a leading `dddd-` / `dddd ` code removed if present.
    public var asyncMessages: [String] { async }

    /// Feeds bytes as they arrive (any split, even mid-line or mid-UTF-8); returns every reply completed by them, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(BirdReplyError) -> [BirdReply] {
        pending.append(contentsOf: bytes)
        var replies: [BirdReply] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = Array(pending[start..<end])
            start = newline + 1
            do {
                if let reply = try take(line) { replies.append(reply) }
            } catch {
                reset()
                throw error
            }
        }
        pending.removeSubrange(pending.startIndex..<start)
        if pending.count > Self.maxLineLength {
            reset()
            throw .malformed("line longer than \(Self.maxLineLength) bytes")
        }
        return replies
    }

    private mutating func reset() {
        pending = []
        lines = []
    }

    /// Handles one complete line (without its line end); returns the reply it completes, if any.
    private mutating func take(_ line: [UInt8]) throws(BirdReplyError) -> BirdReply? {
        func text(from offset: Int) -> String {
            String(decoding: line.dropFirst(offset), as: UTF8.self)
        }
        if line.first == UInt8(ascii: "+") {
            let body = line.dropFirst()
            let hasCode = Self.hasCode(body) && body.count >= 5 && Self.isSeparator(body[body.startIndex + 4])
            async.append(text(from: hasCode ? 6 : 1))
            if async.count > Self.asyncMessageLimit { async.removeFirst(async.count - Self.asyncMessageLimit) }
            return nil
        }
        if line.first == UInt8(ascii: " ") {
            guard !lines.isEmpty else { throw .malformed("continuation line before any reply line: \(text(from: 0).debugDescription)") }
            lines.append(BirdReplyLine(code: nil, text: text(from: 1)))
            return nil
        }
        guard Self.hasCode(line[...]) else {
            throw .malformed("line fits no rule: \(text(from: 0).debugDescription)")
        }
        let code = line.prefix(4).reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let separator = line.count > 4 ? line[4] : UInt8(ascii: " ")  // a bare "dddd" is taken as final
        switch separator {
        case UInt8(ascii: "-"):
            lines.append(BirdReplyLine(code: code, text: text(from: 5)))
            return nil
        case UInt8(ascii: " "):
            lines.append(BirdReplyLine(code: code, text: text(from: 5)))
            let reply = BirdReply(lines: lines, finalCode: code)
            lines = []
            return reply
        default:
            throw .malformed("code not followed by '-' or ' ': \(text(from: 0).debugDescription)")
        }
    }

    /// True when the bytes start with four ASCII digits.
    private static func hasCode(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.count >= 4 && bytes.prefix(4).allSatisfy(isDigit)
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
