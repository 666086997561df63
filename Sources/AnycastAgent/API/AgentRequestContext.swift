import Hummingbird
import NIOCore

/// The request context of the agent API: who is calling and with which token.
public struct AgentRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated token, set by `BearerAuthMiddleware`.
    public var token: AgentToken?
    /// The client's IP address, for the audit log.
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies above 64 KiB are refused with 413.
    public var maxUploadSize: Int { AgentAPI.maxBodyBytes }
}
