@testable import AnycastPoller
import NIOCore
import Testing

/// The hand-written reader of `GET /v1/status/stream` answers: every answer read whole and
/// byte by byte gives the same events; anything an agent would not send is refused.
@Suite struct StatusStreamParserTests {
    typealias Event = StatusStreamParser.Event

    static let streamHead = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"

    static func chunk(_ text: String) -> String { String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n" }

    /// Events from `answer` fed in pieces of `size` bytes (0: whole), then the close.
    static func events(_ answer: String, pieces size: Int = 0, maxLine: Int = 1024, close: Bool = false) throws -> [Event] {
        var parser = StatusStreamParser(maxLineBytes: maxLine)
        var all: [Event] = []
        let bytes = Array(answer.utf8)
        let step = size == 0 ? max(1, bytes.count) : size
        var i = 0
        while i < bytes.count {
            var piece = ByteBuffer(bytes: bytes[i..<min(i + step, bytes.count)])
            all += try parser.feed(&piece)
            i += step
        }
        if close { all += try parser.closed() }
        return all
    }

    static func lines(_ events: [Event]) -> [String] {
        events.compactMap { if case .line(let b) = $0 { String(buffer: b) } else { nil } }
    }

    @Test(arguments: [0, 1, 2, 3, 7, 64])
    func linesArriveWhateverTheReadSizes(pieces: Int) throws {
        // Two lines in one chunk, a line split over three chunks, a chunk extension, the end.
        let answer = Self.streamHead + Self.chunk("{\"a\":1}\n{\"b\":2}\n") + Self.chunk("{\"c\"") + Self.chunk(":3") + Self.chunk("}\n")
            + "5;name=value\r\n{\"d\":\r\n" + Self.chunk("4}\n") + "0\r\n\r\n"
        let events = try Self.events(answer, pieces: pieces)
        #expect(Self.lines(events) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "{\"d\":4}"])
        #expect(events.last == .ended)
    }

    @Test(arguments: [0, 1, 5])
    func anErrorAnswerIsReadWhole(pieces: Int) throws {
        let body = "{\"error\":\"unauthorized\",\"message\":\"no token\"}"
        let withLength = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        #expect(try Self.events(withLength, pieces: pieces) == [.refused(status: 401, body: ByteBuffer(string: body))])
        let chunked = "HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n" + Self.chunk(body) + "0\r\n\r\n"
        #expect(try Self.events(chunked, pieces: pieces) == [.refused(status: 503, body: ByteBuffer(string: body))])
        let untilClose = "HTTP/1.0 404 Not Found\r\n\r\n" + body
        #expect(try Self.events(untilClose, pieces: pieces, close: true) == [.refused(status: 404, body: ByteBuffer(string: body))])
    }

    @Test func whatAnAgentNeverSendsIsRefused() throws {
        let cases: [(String, StatusStreamParser.Failure)] = [
            ("SSH-2.0-OpenSSH_9.2\r\n\r\n", .malformed("not an HTTP/1.1 answer")),
            ("HTTP/1.1 2000 OK\r\n\r\n", .malformed("not an HTTP/1.1 answer")),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", .malformed("a status stream must be chunked")),
            ("HTTP/1.1 200 OK\r\nbroken header\r\n\r\n", .malformed("bad header line")),
            (Self.streamHead + "zz\r\n", .malformed("bad chunk size \"zz\"")),
            (Self.streamHead + "123456789\r\n", .malformed("bad chunk size \"123456789\"")),
            (Self.streamHead + "3\r\nabcXY", .malformed("chunk not followed by CRLF")),
            ("HTTP/1.1 500 Oops\r\nContent-Length: 999999\r\n\r\n", .tooLarge),
        ]
        for (answer, failure) in cases {
            #expect(throws: failure, "\(answer.debugDescription)") { try Self.events(answer) }
            #expect(throws: failure, "\(answer.debugDescription) byte by byte") { try Self.events(answer, pieces: 1) }
        }
    }

    @Test func aLineOverTheCapIsRefusedWhetherInOnePieceOrMany() throws {
        let long = String(repeating: "x", count: 300)
        #expect(throws: StatusStreamParser.Failure.tooLarge) { try Self.events(Self.streamHead + Self.chunk(long + "\n"), maxLine: 256) }
        let split = Self.streamHead + Self.chunk(String(long.prefix(200))) + Self.chunk(String(long.suffix(100)) + "\n")
        #expect(throws: StatusStreamParser.Failure.tooLarge) { try Self.events(split, maxLine: 256) }
        #expect(Self.lines(try Self.events(Self.streamHead + Self.chunk(long + "\n"), maxLine: 300)) == [long])
    }

    @Test func aHeadThatNeverEndsIsRefused() throws {
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Padding: 0123456789abcdef\r\n", count: 1000)
        #expect(throws: StatusStreamParser.Failure.malformed("response head longer than 16384 bytes")) { try Self.events(endless, pieces: 512) }
    }

    @Test func aCutShortAnswerIsAFailureAndACleanEndIsNot() throws {
        #expect(throws: StatusStreamParser.Failure.cutShort("connection closed by the agent")) { try Self.events("", close: true) }
        #expect(throws: StatusStreamParser.Failure.speaksTLS) { try Self.events("\u{15}\u{03}\u{03}\u{00}\u{02}\u{02}\u{46}", close: true) }
        #expect(throws: StatusStreamParser.Failure.speaksTLS) { try Self.events("\u{16}\u{03}\u{01}\u{00}\u{05}") }
        #expect(throws: StatusStreamParser.Failure.cutShort("connection closed in the middle of the answer")) {
            try Self.events(Self.streamHead + Self.chunk("{\"a\":1}\n") + Self.chunk("{\"b\""), close: true)
        }
        #expect(throws: StatusStreamParser.Failure.malformed("the stream ended in the middle of a line")) {
            try Self.events(Self.streamHead + Self.chunk("{\"b\"") + "0\r\n\r\n")
        }
        #expect(try Self.events(Self.streamHead + Self.chunk("{}\n") + "0\r\n\r\n", close: true) == [.line(ByteBuffer(string: "{}")), .ended])
        #expect(throws: StatusStreamParser.Failure.malformed("bytes after the end of the answer")) {
            try Self.events(Self.streamHead + "0\r\n\r\nHTTP/1.1 200 OK\r\n")
        }
    }
}
