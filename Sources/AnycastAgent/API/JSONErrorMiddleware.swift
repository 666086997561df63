import AnycastCore
import Hummingbird
import Logging

/// Turns every error into the API's JSON error body; never a stack trace, never a crash.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AgentAPIError {
            return AgentAPI.errorResponse(error)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let mapped: AgentAPIError = switch status.code {
            case 404: .notFound("no such endpoint: \(request.method) \(request.uri.path)")
            case 413: .payloadTooLarge("request body is larger than \(AgentAPI.maxBodyBytes) bytes")
            case 400..<500: .init(status: status.code, code: .badRequest, message: status.reasonPhrase)
            default: .internal("internal error")
            }
            return AgentAPI.errorResponse(mapped)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return AgentAPI.errorResponse(.internal("internal error"))
        }
    }
}
