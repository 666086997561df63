import AnycastCore
import NIOCore

/// First in the pipeline of an https-only agent: a connection that starts with plain HTTP
/// (`GET /v1/status HTTP/1.1`, not a TLS ClientHello) gets a plain-HTTP 400 with a JSON error
/// saying to use https, then is closed, as nginx does, rather than a dropped connection that
/// tells the operator nothing. Anything else is handed on to TLS and this handler leaves.
final class PlainHTTPRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let answer: String = {
        let body = #"{"error":"\#(APIErrorCode.tlsRequired.rawValue)","message":"this agent serves https only: use an https:// URL"}"#
        return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body
    }()

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        let bytes = unwrapInboundIn(data)
        // A TLS record starts with its content type (22: handshake); HTTP with a method in capitals.
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self), (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        answered = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: Self.answer))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
