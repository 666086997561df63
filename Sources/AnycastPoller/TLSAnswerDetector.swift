import NIOCore

/// First in a poll connection's pipeline: if the agent's first bytes are a TLS record (it
/// speaks TLS to our plain HTTP), says so instead of letting the HTTP parser report garbage.
/// It removes itself after the first read.
final class TLSAnswerDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The error fired when the answer is TLS.
    struct AgentSpeaksTLS: Error {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if StatusStreamParser.isTLSRecord(bytes) {
            context.fireErrorCaught(AgentSpeaksTLS())
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
