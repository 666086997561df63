import Hummingbird

/// Requires `Authorization: Bearer TOKEN` on every path but `/healthz`.
struct BearerAuthMiddleware: RouterMiddleware {
    let authenticator: TokenAuthenticator

    func handle(_ request: Request, context: AgentRequestContext, next: (Request, AgentRequestContext) async throws -> Response) async throws -> Response {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw AgentAPIError.unauthorized("missing Authorization: Bearer token")
        }
        guard let presented = Self.bearerToken(header) else {
            throw AgentAPIError.unauthorized("the Authorization header must be 'Bearer TOKEN'")
        }
        guard let token = authenticator.authenticate(bytes: presented) else {
            throw AgentAPIError.unauthorized("unknown token")
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }

    /// The token of `Bearer TOKEN` (the scheme in any case, spaces and tabs around the token
    /// ignored), read on the header's bytes without copying; nil for another form.
    static func bearerToken(_ header: String) -> Substring.UTF8View? {
        let utf8 = header.utf8
        var i = utf8.startIndex
        for expected in "bearer".utf8 {
            guard i < utf8.endIndex, utf8[i] | 0x20 == expected else { return nil }
            i = utf8.index(after: i)
        }
        guard i < utf8.endIndex, utf8[i] == 0x20 else { return nil }
        let isBlank = { (c: UInt8) in c == 0x20 || c == 0x09 }
        while i < utf8.endIndex, isBlank(utf8[i]) { i = utf8.index(after: i) }
        var end = utf8.endIndex
        while end > i, isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        guard i < end else { return nil }
        return header[i..<end].utf8
    }
}
