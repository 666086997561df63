import AnycastCore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix

/// Builds the Hummingbird application that serves one agent's API.
public enum AgentServer {
    /// Longest a client may take to send a whole request, or to start the next one on a
    /// kept-alive connection (slowloris): 30 s.
    public static let requestReadTimeout = Duration.seconds(30)

    /// An application serving `agent` on `host:port` (port 0 picks a free port; `onListening`
    /// is told the real one). With `tls` it serves https only (see `AgentTLS`). With an
    /// `EventLoopTaskExecutor`, pass its loop as `eventLoopGroup` and run the application
    /// under its preference.
    public static func application(
        agent: SiteAgent, tokens: [AgentToken], host: String, port: Int,
        logger: Logger = Logger(label: "anycast-agent.http"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        requestReadTimeout: Duration = AgentServer.requestReadTimeout,
        changesPerMinute: Int = AgentConfig.defaultChangesPerMinute,
        tls: TLSConfiguration? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let serverName = "anycast-agent/\(AgentVersion.current)"
        let authenticator = TokenAuthenticator(tokens: tokens)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                RequestReadTimeout(timeout: .nanoseconds(Int64(requestReadTimeout.inSeconds * 1e9))),
                StatusFastPath(agent: agent, authenticator: authenticator, serverName: serverName),
            ])
        let server: HTTPServerBuilder
        if let tls {
            server = HTTPServerBuilder { responder in
                try TLSOnlyChannel(HTTP1Channel(responder: responder, configuration: http1), tlsConfiguration: tls)
            }
        } else {
            server = .http1(configuration: http1)
        }
        return Application(
            router: AgentAPI.router(agent: agent, tokens: tokens, changesPerMinute: changesPerMinute),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger)
    }
}
