import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers the most frequent request, `GET /v1/status` with a read or operate token, straight
/// from the agent's encoded-status cache on the connection's event loop, before the request
/// reaches Hummingbird's router (a task, an async sequence and a middleware chain per request).
/// Everything else, and this request whenever the cache holds no current answer, the token is
/// missing or unknown, or an earlier request on the connection is still being answered (so
/// pipelined answers keep their order), goes on to the router unchanged. The answer is the
/// router's, byte for byte but for the `Date` (tests compare them).
final class StatusFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let agent: SiteAgent
    private let authenticator: TokenAuthenticator
    private let serverName: String
    /// Requests handed on whose answers have not ended yet.
    private var handedOn = 0
    /// The answer to the request being read, taken when its head arrived (its remaining
    /// parts are dropped); nil when the request goes on to the router.
    private var answering: ByteBuffer?
    private var date = (second: 0, text: "")

    init(agent: SiteAgent, authenticator: TokenAuthenticator, serverName: String) {
        self.agent = agent
        self.authenticator = authenticator
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if handedOn == 0, Self.isStatusRequest(request), isAuthorized(request), let body = agent.cachedEncodedStatus() {
                answering = body
                return
            }
            handedOn += 1
            context.fireChannelRead(data)
        case .body:
            if answering == nil { context.fireChannelRead(data) }
        case .end:
            guard let body = answering else { context.fireChannelRead(data); return }
            answering = nil
            answer(body, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { handedOn = max(0, handedOn - 1) }
        context.write(data, promise: promise)
    }

    /// `GET /v1/status` exactly (no query), without a `Connection` header (keep-alive).
    static func isStatusRequest(_ request: HTTPRequest) -> Bool {
        request.method == .get && request.path == "/v1/status" && request.headerFields[.connection] == nil
    }

    private func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let header = request.headerFields[.authorization],
              let presented = BearerAuthMiddleware.bearerToken(header) else { return false }
        return authenticator.authenticate(bytes: presented) != nil
    }

    private func answer(_ body: ByteBuffer, context: ChannelHandlerContext) {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        fields[.contentLength] = String(body.readableBytes)
        fields[.date] = httpDate()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The `Date` header (RFC 9110's IMF-fixdate), made once a second.
    private func httpDate() -> String {
        let now = Int(Date().timeIntervalSince1970)
        if now != date.second {
            var t = time_t(now)
            var parts = tm()
            gmtime_r(&t, &parts)
            var buffer = [CChar](repeating: 0, count: 40)
            let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            date = (now, String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return date.text
    }
}
