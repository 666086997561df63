import NIOCore

/// Hands a status stream connection's bytes, and its end, to its `StatusStream`.
final class StatusStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Set once connected, before the request is sent.
    var stream: StatusStream?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let stream else { context.close(promise: nil); return }
        var bytes = unwrapInboundIn(data)
        stream.feed(&bytes)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let stream, stream.phase != .closed else { return }
        // The channel reads only when asked, and one read takes at most a few KiB. An opening
        // stream reads on until its first line is in; a line begun is read on to its end
        // before the read counts as done (a 900-point history is ~36 KiB: read a few KiB a
        // cycle, it took long enough for the stream to be closed as silent); otherwise the
        // poller asks again when it takes.
        stream.asked = false
        if stream.phase == .opening || stream.lineBegun {
            stream.asked = true
            context.read()
            if stream.phase == .open { return }
        }
        stream.readDone()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream?.inputEnded()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream?.fail(AgentClient.classify(error, timeout: .zero, cap: stream?.maxBytes ?? 0))
        context.close(promise: nil)
    }
}
