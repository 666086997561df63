import AnycastCore
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The agent's HTTP/JSON API v1 (see `docs/agent-api.yaml`) as a Hummingbird router.
public enum AgentAPI {
    /// Largest request body accepted.
    public static let maxBodyBytes = 64 * 1024

    /// The router for `agent`, accepting `tokens`.
    public static func router(
        agent: SiteAgent, tokens: [AgentToken], changesPerMinute: Int = AgentConfig.defaultChangesPerMinute
    ) -> Router<AgentRequestContext> {
        let router = Router(context: AgentRequestContext.self)
        let limiter = ChangeRateLimiter(perMinute: changesPerMinute)
        // Middleware first: it must wrap the not-found responder as well as the routes.
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BearerAuthMiddleware(authenticator: TokenAuthenticator(tokens: tokens)))

        router.get("/healthz") { _, _ in
            jsonResponse(["status": "ok"])
        }
        if let metrics = agent.metrics {
            router.get("/metrics") { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                headers[.cacheControl] = "no-store"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
            }
        }
        router.get("/v1/status") { request, _ in
            let (after, points) = try historyParameters(request)
            guard after == nil else { return jsonResponse(await agent.status(historyAfter: after, historyPoints: points)) }
            if let body = agent.cachedEncodedStatus(historyPoints: points) { return jsonResponse(body: body) }
            let body: ByteBuffer
            do { body = try await agent.encodedStatus(historyPoints: points) } catch {
                return errorResponse(.internal("cannot encode the response"))
            }
            return jsonResponse(body: body)
        }
        router.get("/v1/status/update") { request, _ in
            let (after, points) = try historyParameters(request)
            let known = try knownParameter(request)
            return jsonResponse(await agent.statusUpdate(known: known, historyAfter: after, historyPoints: points))
        }
        router.get("/v1/status/stream") { request, _ in
            let (after, points) = try historyParameters(request)
            guard let changes = agent.statusChanges() else {
                throw AgentAPIError.unavailable("too many status streams are open; poll /v1/status/update instead")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                // Shutting down ends every stream, so the server's graceful shutdown (which
                // waits for answers in flight) is not held up by them.
                try await withGracefulShutdownHandler {
                    let encoder = AgentJSON.encoder()
                    var (update, cursor) = await agent.streamUpdate(from: StatusStreamCursor(historyAfter: after), historyPoints: points)
                    try await writer.write(streamLine(update, encoder: encoder))
                    for await _ in changes {
                        (update, cursor) = await agent.streamUpdate(from: cursor)
                        try await writer.write(streamLine(update, encoder: encoder))
                    }
                } onGracefulShutdown: {
                    agent.endStatusStreams()
                }
                try await writer.finish(nil)
            })
        }
        router.get("/v1/events") { request, _ in
            let query = request.uri.queryParameters
            var since: UInt64 = 0
            if let raw = query["since"] {
                guard let s = UInt64(String(raw)) else { throw AgentAPIError.badRequest("since must be a non-negative integer") }
                since = s
            }
            var limit = 1000
            if let raw = query["limit"] {
                guard let l = Int(String(raw)), (1...10_000).contains(l) else { throw AgentAPIError.badRequest("limit must be from 1 to 10000") }
                limit = l
            }
            return jsonResponse(await agent.events(since: since, limit: limit))
        }
        router.post("/v1/drain") { request, context in
            let origin = try requireOperate(context)
            let body = try await decodeBody(DrainRequest.self, request: request, context: context)
            do { try body.validate() } catch { throw AgentAPIError.badRequest("\(error)") }
            // Only well-formed changes count against the token's rate.
            if let wait = limiter.admit(origin.tokenName) { return rateLimited(origin, wait: wait, perMinute: changesPerMinute) }
            return jsonResponse(try await agent.drain(body, origin: origin))
        }
        router.post("/v1/undrain") { request, context in
            let origin = try requireOperate(context)
            let body = try await decodeBody(UndrainRequest.self, request: request, context: context)
            do { try body.validate() } catch { throw AgentAPIError.badRequest("\(error)") }
            if let wait = limiter.admit(origin.tokenName) { return rateLimited(origin, wait: wait, perMinute: changesPerMinute) }
            return jsonResponse(try await agent.undrain(body, origin: origin))
        }
        router.post("/v1/extend") { request, context in
            let origin = try requireOperate(context)
            let body = try await decodeBody(ExtendRequest.self, request: request, context: context)
            do { try body.validate() } catch { throw AgentAPIError.badRequest("\(error)") }
            if let wait = limiter.admit(origin.tokenName) { return rateLimited(origin, wait: wait, perMinute: changesPerMinute) }
            return jsonResponse(try await agent.extend(body, origin: origin))
        }
        // Last, so it wraps only the not-found responder: a request that matched no route.
        router.add(middleware: MethodNotAllowedMiddleware<AgentRequestContext>(routes: router.routes.map { ($0.path.description, $0.method) }))
        return router
    }

    static func requireOperate(_ context: AgentRequestContext) throws(AgentAPIError) -> RequestOrigin {
        guard let token = context.token else { throw .unauthorized("missing Authorization: Bearer token") }
        guard token.scope.allows(.operate) else {
            throw .forbidden("token '\(token.name)' has scope '\(token.scope.rawValue)'; drain, undrain and extend need 'operate'")
        }
        return RequestOrigin(tokenName: token.name, clientAddress: context.clientAddress)
    }

    static func decodeBody<T: Decodable>(_ type: T.Type, request: Request, context: AgentRequestContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        guard buffer.readableBytes > 0 else { throw AgentAPIError.badRequest("a JSON body is required") }
        do {
            return try AgentJSON.decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw AgentAPIError.badRequest(describe(error))
        } catch {
            throw AgentAPIError.badRequest("the body is not valid JSON")
        }
    }

    /// A short, safe account of a decoding failure: which field and what was expected.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the body" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let ctx): return "\(path(ctx.codingPath)) must be \(typeDescription(type))"
        case .valueNotFound(let type, let ctx): return "\(path(ctx.codingPath)) must be \(typeDescription(type)), not null"
        case .keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])) is required"
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(ctx.codingPath)) is invalid"
        @unknown default: return "the body does not match the schema"
        }
    }

    private static func typeDescription(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is UInt64.Type, is Double.Type: "a number"
        default: "an object of the documented shape"
        }
    }

    /// `history_after` (Unix seconds) and `history` (a number of points) of a status request.
    static func historyParameters(_ request: Request) throws -> (after: Date?, points: Int) {
        let query = request.uri.queryParameters
        var after: Date?
        if let raw = query["history_after"] {
            guard let seconds = JSONNumberText.parse(raw) else {
                throw AgentAPIError.badRequest("history_after must be Unix time in seconds (a number)")
            }
            // Beyond a Double's range: before or after every point.
            after = seconds.isFinite ? Date(timeIntervalSince1970: seconds) : seconds > 0 ? .distantFuture : .distantPast
        }
        var points = SiteAgent.defaultHistoryPoints
        if let raw = query["history"] {
            guard let n = Int(String(raw)), (0...RateHistory.defaultCapacity).contains(n) else {
                throw AgentAPIError.badRequest("history must be a number of points from 0 to \(RateHistory.defaultCapacity)")
            }
            points = n
        }
        return (after, points)
    }

    /// `known` of a status update: a revision as the agent labels them (letters, digits, `-`
    /// and `_`, at most 64), or nil when absent or empty (empty: the caller holds none yet).
    static func knownParameter(_ request: Request) throws -> String? {
        guard let raw = request.uri.queryParameters["known"], !raw.isEmpty else { return nil }
        let isRevision = raw.utf8.count <= 64 && raw.utf8.allSatisfy { c in
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
        guard isRevision else {
            throw AgentAPIError.badRequest("known must be a revision from an earlier answer (letters, digits, '-' and '_', at most 64)")
        }
        return String(raw)
    }

    static func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data: Data
        do { data = try AgentJSON.encoder().encode(value) } catch {
            return errorResponse(.internal("cannot encode the response"))
        }
        return jsonResponse(body: ByteBuffer(bytes: data), status: status)
    }

    /// One line of a status stream: the update's JSON (which never holds a raw newline) and `\n`.
    static func streamLine(_ update: StatusUpdate, encoder: JSONEncoder) throws -> ByteBuffer {
        var line = ByteBuffer(bytes: try encoder.encode(update))
        line.writeInteger(UInt8(ascii: "\n"))
        return line
    }

    /// A JSON answer from bytes already encoded.
    static func jsonResponse(body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// 429 with `Retry-After` (whole seconds, rounded up).
    static func rateLimited(_ origin: RequestOrigin, wait: Duration, perMinute: Int) -> Response {
        let seconds = max(1, Int(wait.inSeconds.rounded(.up)))
        var response = errorResponse(.rateLimited(
            "token '\(origin.tokenName)' may send \(perMinute) drains and undrains a minute; try again in \(seconds) s"))
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    static func errorResponse(_ error: AgentAPIError) -> Response {
        jsonResponse(APIErrorBody(error: error.code.rawValue, message: error.message), status: HTTPResponse.Status(code: error.status))
    }
}
