import Hummingbird

/// Requires `Authorization: Bearer TOKEN` on every path but `/healthz`.
struct BearerAuthMiddleware: RouterMiddleware {
    let authenticator: TokenAuthenticator

    func handle(_ request: Request, context: AgentRequestContext, next: (Request, AgentRequestContext) async throws -> Response) async throws -> Response {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw AgentAPIError.unauthorized("missing Authorization: Bearer token")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw AgentAPIError.unauthorized("the Authorization header must be 'Bearer TOKEN'")
        }
        guard let token = authenticator.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw AgentAPIError.unauthorized("unknown token")
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }
}
