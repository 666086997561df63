import NIOCore

/// Reads a status stream connection's bytes into its `StatusStream`.
final class StatusStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Set once connected, before the request is sent.
    var stream: StatusStream? {
        didSet { parser = StatusStreamParser(maxLineBytes: stream?.maxBytes ?? 0) }
    }
    private var parser = StatusStreamParser(maxLineBytes: 0)
    private var scratch: [StatusStreamParser.Event] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let stream else { context.close(promise: nil); return }
        var bytes = unwrapInboundIn(data)
        do {
            // Events are handed on after the parser is done: handing one on may close the
            // channel, and closing comes back here (channelInactive) for the parser.
            var events = scratch
            scratch = []
            try parser.feed(&bytes) { events.append($0) }
            for event in events { stream.received(event) }
            events.removeAll(keepingCapacity: true)  // keeps no line (nor its receive buffer)
            scratch = events
        } catch {
            stream.fail(Self.describe(error, cap: stream.maxBytes))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let stream, stream.phase != .closed else { return }
        // The channel reads only when asked, and one read takes at most a few KiB. An opening
        // stream reads on until its first line is in; a line begun is read on to its end
        // before the read counts as done (a 900-point history is ~36 KiB: read a few KiB a
        // cycle, it took long enough for the stream to be closed as silent); otherwise the
        // poller asks again when it takes.
        stream.lineBegun = parser.isPartway
        if stream.phase == .opening || stream.lineBegun {
            context.read()
            if stream.phase == .open { return }
        }
        stream.readDone()
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard let stream else { return }
        do {
            for event in try parser.closed() { stream.received(event) }
            stream.close()
        } catch {
            stream.fail(Self.describe(error, cap: stream.maxBytes))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream?.fail(AgentClient.classify(error, timeout: .zero, cap: stream?.maxBytes ?? 0))
        context.close(promise: nil)
    }

    static func describe(_ failure: StatusStreamParser.Failure, cap: Int) -> AgentClientError {
        switch failure {
        case .tooLarge: .responseTooLarge(limit: cap)
        case .malformed(let why): .invalidResponse(why)
        case .cutShort(let why): .connection(why)
        case .speaksTLS: AgentClientError.speaksTLS
        }
    }
}
