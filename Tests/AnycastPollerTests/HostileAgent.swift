import Foundation
import NIOCore
import NIOPosix

/// A raw TCP "agent" that misbehaves in one way, for the hostile-agent suite. It answers a
/// status stream request (`/stream` in the path) in the stream's form (chunked lines) and any
/// other request in the poll's form (`Content-Length`), so both of the dashboard's paths meet
/// the same misbehaviour.
final class HostileAgent: Sendable {
    enum Behaviour: Sendable {
        /// Accepts and never answers a byte.
        case silent
        /// A valid answer, one byte a second.
        case trickle
        /// A 100 MB body (or stream line), as fast as the client reads.
        case hugeBody
        /// This body (or stream line), then keeps the connection.
        case body([UInt8])
        /// Announces 1000 bytes, sends 100, closes.
        case closeMidBody
        /// Resets the connection (RST) when the request arrives.
        case reset
        /// Speaks TLS to a plain-HTTP client: a TLS alert record, then closes.
        case tls
        /// A plain-HTTP server meeting a TLS client: answers the ClientHello 400 and closes.
        case plainHTTP
    }

    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    private init(channel: any Channel) { self.channel = channel }

    /// First byte 22: a TLS handshake record (a ClientHello).
    enum StatusStreamParserBytes {
        static func looksLikeTLS(_ b: ByteBuffer) -> Bool { b.getInteger(at: b.readerIndex, as: UInt8.self) == 22 }
    }

    /// The hostile agents' own event loop: one of them pumping 100 MB must not share a loop
    /// with the dashboard's poller in this process (on separate machines it never would).
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func start(_ behaviour: Behaviour) async throws -> HostileAgent {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Handler(behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return HostileAgent(channel: channel)
    }

    func stop() async { try? await channel.close() }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behaviour: Behaviour
        var request = ""
        var answered = false
        var sent = 0

        init(_ behaviour: Behaviour) { self.behaviour = behaviour }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            if case .plainHTTP = behaviour {
                if StatusStreamParserBytes.looksLikeTLS(bytes) {
                    write(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8), context)
                    context.close(promise: nil)
                }
                return
            }
            request += String(buffer: bytes)
            guard !answered, request.contains("\r\n\r\n") else { return }
            let stream = request.components(separatedBy: "\r\n").first?.contains("/stream") ?? false
            // A fixed body answers every request on a kept-alive connection; the rest answer once.
            if case .body = behaviour, !stream { request = "" } else { answered = true }
            switch behaviour {
            case .silent, .plainHTTP:
                break
            case .trickle:
                let body = "{\"revision\":\"r\",\"now\":1}"
                var bytes = Array(Self.head(stream: stream, length: body.utf8.count).utf8)
                bytes += stream ? Array((String(body.utf8.count + 1, radix: 16) + "\r\n" + body + "\n\r\n").utf8) : Array(body.utf8)
                trickle(bytes[...], context: context)
            case .hugeBody:
                let size = 100_000_000
                write(Array(Self.head(stream: stream, length: size).utf8) + (stream ? Array((String(size, radix: 16) + "\r\n").utf8) : []), context)
                pump(context: context, left: size)
            case .body(let body):
                let framed = stream ? Array((String(body.count + 1, radix: 16) + "\r\n").utf8) + body + Array("\n\r\n".utf8) : body
                write(Array(Self.head(stream: stream, length: body.count).utf8) + framed, context)
            case .closeMidBody:
                let head = stream
                    ? Self.head(stream: true, length: 0) + "3e8\r\n"
                    : Self.head(stream: false, length: 1000)
                write(Array(head.utf8) + Array(repeating: UInt8(ascii: "x"), count: 100), context)
                context.close(promise: nil)
            case .reset:
                let channel = context.channel
                (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            case .tls:
                write([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46], context)  // alert: protocol version
                context.close(promise: nil)
            }
        }

        static func head(stream: Bool, length: Int) -> String {
            stream
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n"
        }

        func write(_ bytes: [UInt8], _ context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        }

        func trickle(_ bytes: ArraySlice<UInt8>, context: ChannelHandlerContext) {
            guard let first = bytes.first, context.channel.isActive else { return }
            write([first], context)
            let rest = bytes.dropFirst()
            context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { self.trickle(rest, context: context) }
        }

        /// Sends `left` bytes of body in 64 KiB blocks, each when the one before is written.
        func pump(context: ChannelHandlerContext, left: Int) {
            guard left > 0, context.channel.isActive else { return }
            let n = min(left, 65_536)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(repeating: UInt8(ascii: "1"), count: n))).assumeIsolated().whenSuccess {
                self.sent += n
                self.pump(context: context, left: left - n)
            }
        }
    }
}
