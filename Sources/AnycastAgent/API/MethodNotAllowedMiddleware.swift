import HTTPTypes
import Hummingbird

/// Answers 405 with `Allow` (and the API's JSON error body) when a request names a path the
/// router serves with another method; any other unmatched request goes on to the 404. Added
/// after every route, so it sees only requests that matched none.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods of each path the router serves, in a fixed order.
    let allowed: [String: [HTTPRequest.Method]]

    init(routes: [(path: String, method: HTTPRequest.Method)]) {
        allowed = Dictionary(grouping: routes, by: \.path).mapValues { $0.map(\.method).sorted { $0.rawValue < $1.rawValue } }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let methods = allowed[request.uri.path], !methods.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = methods.map(\.rawValue).joined(separator: ", ")
        var response = AgentAPI.errorResponse(.methodNotAllowed("\(request.uri.path) answers only \(allow), not \(request.method)"))
        response.headers[.allow] = allow
        return response
    }
}
