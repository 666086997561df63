import AnycastCore
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// Builds the Hummingbird application that serves one agent's API.
public enum AgentServer {
    /// An application serving `agent` on `host:port` (port 0 picks a free port; `onListening`
    /// is told the real one). With an `EventLoopTaskExecutor`, pass its loop as
    /// `eventLoopGroup` and run the application under its preference.
    public static func application(
        agent: SiteAgent, tokens: [AgentToken], host: String, port: Int,
        logger: Logger = Logger(label: "anycast-agent.http"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let serverName = "anycast-agent/\(AgentVersion.current)"
        let authenticator = TokenAuthenticator(tokens: tokens)
        return Application(
            router: AgentAPI.router(agent: agent, tokens: tokens),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [StatusFastPath(agent: agent, authenticator: authenticator, serverName: serverName)])),
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger)
    }
}
