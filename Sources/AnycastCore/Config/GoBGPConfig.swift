/// How the agent talks to GoBGP: its `gobgp` CLI against gobgpd's API address, with `-j`.
public struct GoBGPConfig: Sendable, Hashable {
    /// Path of the gobgp CLI.
    public var cli: String
    /// gobgpd's API address (`--api-hosts`), host:port; IPv6 hosts in brackets.
    public var api: String
    /// Deadline for one gobgp run.
    public var commandTimeout: Duration
    /// How long a change may take to show in what gobgpd sends each peer before it is not effective.
    public var drainVerifyDeadline: Duration

    public static let defaultCLI = "/usr/bin/gobgp"
    public static let defaultAPI = "127.0.0.1:50051"
    public static let defaultCommandTimeout: Duration = .seconds(3)

    public init(
        cli: String = GoBGPConfig.defaultCLI, api: String = GoBGPConfig.defaultAPI,
        commandTimeout: Duration = GoBGPConfig.defaultCommandTimeout,
        drainVerifyDeadline: Duration = BirdConfig.defaultDrainVerifyDeadline
    ) {
        self.cli = cli
        self.api = api
        self.commandTimeout = commandTimeout
        self.drainVerifyDeadline = drainVerifyDeadline
    }

    /// The API address split for the CLI's `-u HOST -p PORT`; nil when it is not host:port.
    public var hostAndPort: (host: String, port: Int)? {
        guard let colon = api.lastIndex(of: ":"), let port = Int(api[api.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(api[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host != "[" else { return nil }
        return (host, port)
    }
}
