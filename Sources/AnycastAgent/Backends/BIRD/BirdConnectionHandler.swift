import NIOCore

/// Frames BIRD's replies on one control-socket connection and hands each to the command
/// that is waiting for it, in order. Confined to the connection's event loop.
final class BirdConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var reader = BirdReplyReader()
    /// The greeting (`0001 BIRD x ready.`) is the first reply on a new connection.
    var greeting: EventLoopPromise<BirdReply>?
    /// Commands sent and not yet answered, oldest first.
    var waiting: [EventLoopPromise<BirdReply>] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [BirdReply]
        do {
            replies = try reader.feed(buffer.readableBytesView)
        } catch {
            failAll(.reply(error))
            context.close(promise: nil)
            return
        }
        for reply in replies {
            if let greeting {
                self.greeting = nil
                greeting.succeed(reply)
            } else if !waiting.isEmpty {
                waiting.removeFirst().succeed(reply)
            } else {
                // A reply nobody asked for: the stream is out of step; start afresh.
                context.close(promise: nil)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionLost("closed by BIRD"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(.connectionLost("\(error)"))
        context.close(promise: nil)
    }

    func failAll(_ error: BirdControlError) {
        greeting?.fail(error)
        greeting = nil
        let pending = waiting
        waiting = []
        for p in pending { p.fail(error) }
    }
}
