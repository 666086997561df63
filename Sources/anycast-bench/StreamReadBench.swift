import AnycastCore
import AnycastPoller
import ArgumentParser
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// CPU cost of reading a status stream's bytes into lines: the poller's hand-written
/// `StatusStreamParser` against NIO's HTTP/1 response decoder with a line splitter after it,
/// on the same bytes fed in the poller's 1 KiB reads.
struct StreamReadBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream-read", abstract: "Time per status-stream line: the hand-written reader against NIO's HTTP/1 decoder.")

    @Option(help: "Lines in the measured stream.") var lines = 20_000
    @Option(help: "Rounds of each reader (alternating); the median is reported.") var rounds = 7

    func run() throws {
        let stream = Self.stream(lines: lines)
        var hand: [Double] = []
        var nio: [Double] = []
        for _ in 0..<rounds {
            hand.append(try measure { try Self.readByHand(stream) })
            nio.append(try measure { try Self.readWithNIO(stream) })
        }
        let h = Self.median(hand), n = Self.median(nio)
        print(String(format: "stream-read: %d lines of %d bytes in %d-byte reads: hand-written %.3f µs per line, NIO HTTPResponseDecoder %.3f µs per line (%.2fx)",
                     lines, stream.lineBytes, Self.readSize, h, n, n / h))
    }

    static let readSize = 1024

    /// A stream as an agent sends it: the response head, one chunk per line and the last chunk, in reads.
    struct Stream {
        var reads: [ByteBuffer]
        var lineBytes: Int
        var lines: Int
    }

    static func stream(lines: Int) -> Stream {
        let update = StatusUpdate(
            revision: "9f2c41d0aa17b3e5", now: Date(timeIntervalSince1970: 1_795_797_690), qps: 1234.5,
            queriesTotal: 987_654_321, rcodes: ["NOERROR": 900_000_000, "NXDOMAIN": 87_654_321],
            sampledAt: Date(timeIntervalSince1970: 1_795_797_689.5),
            latency: LatencyStatus(p50Ms: 0.42, p95Ms: 0.9, p99Ms: 1.7, source: "probe"),
            history: [RatePoint(t: Date(timeIntervalSince1970: 1_795_797_689), qps: 1234.5)], status: nil)
        let line = (try? AgentJSON.encoder().encode(update)) ?? Data()
        var all = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<lines {
            all.writeString(String(line.count + 1, radix: 16) + "\r\n")
            all.writeBytes(line)
            all.writeString("\n\r\n")
        }
        all.writeString("0\r\n\r\n")  // the agent ends the stream (both readers then see its end)
        var reads: [ByteBuffer] = []
        while all.readableBytes > 0 { reads.append(all.readSlice(length: min(readSize, all.readableBytes))!) }
        return Stream(reads: reads, lineBytes: line.count, lines: lines)
    }

    static func readByHand(_ stream: Stream) throws -> Int {
        var parser = StatusStreamParser(maxLineBytes: 1 << 22)
        var count = 0
        for read in stream.reads {
            var bytes = read
            try parser.feed(&bytes) { event in if case .line = event { count += 1 } }
        }
        return count
    }

    static func readWithNIO(_ stream: Stream) throws -> Int {
        let channel = EmbeddedChannel()
        let lines = LineSplitter()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(lines)
        // The decoder answers requests: one is sent first, as the stream's GET is.
        try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/status/stream")))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        while try channel.readOutbound(as: ByteBuffer.self) != nil {}
        for read in stream.reads { try channel.writeInbound(read) }
        _ = try channel.finish(acceptAlreadyClosed: true)
        return lines.count
    }

    /// Splits a 200 answer's body into lines, as the poller would after NIO's decoder.
    final class LineSplitter: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        var count = 0
        private var partial = ByteBuffer()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .body(var body) = unwrapInboundIn(data) else { return }
            while let newline = body.readableBytesView.firstIndex(of: 10) {
                let piece = body.readSlice(length: newline - body.readerIndex)!
                body.moveReaderIndex(forwardBy: 1)
                if partial.readableBytes > 0 {
                    var whole = partial
                    var rest = piece
                    whole.writeBuffer(&rest)
                    partial.clear()
                    count += whole.readableBytes > 0 ? 1 : 0
                } else {
                    count += piece.readableBytes > 0 ? 1 : 0
                }
            }
            if body.readableBytes > 0 { partial.writeBuffer(&body) }
        }
    }

    /// Microseconds per line of one read of the stream.
    private func measure(_ read: () throws -> Int) throws -> Double {
        let start = ContinuousClock.now
        let got = try read()
        let d = ContinuousClock.now - start
        guard got == lines else { throw ValidationError("read \(got) lines of \(lines)") }
        return (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(lines)
    }

    private static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
}
