import NIOCore
import NIOHTTP1

/// Feeds HTTP response parts of a poll connection to the exchange in flight on it.
final class PollResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    var exchange: PollExchange?
    /// Called when a reused connection turns out closed before any answer (to retry once).
    var onClosedBeforeAnswer: ((PollExchange) -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else {
            context.close(promise: nil)  // nobody asked: the connection is out of step
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            exchange.received(head: head)
        case .body(let part):
            if !exchange.received(body: part) { self.exchange = nil }
        case .end:
            self.exchange = nil
            exchange.complete()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard let exchange else { return }
        self.exchange = nil
        if exchange.reused, !exchange.sawHead, !exchange.done, let retry = onClosedBeforeAnswer {
            retry(exchange)
        } else {
            exchange.fail(.connection("connection closed by the agent"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        exchange?.fail(AgentClient.classify(error, timeout: .milliseconds(exchange?.timeoutMilliseconds ?? 0), cap: exchange?.maxBytes ?? 0))
        exchange = nil
        context.close(promise: nil)
    }
}
