/// How the agent talks to ExaBGP: its control pipes (`exabgp.api.cli`), as exabgpcli does.
public struct ExaBGPConfig: Sendable, Hashable {
    /// The pipes' path without `.in`/`.out`: the folder and `exabgp.api.pipename`.
    public var pipe: String
    /// Deadline for one command and its answer.
    public var commandTimeout: Duration
    /// How long a change may take to show in what ExaBGP sends each peer before it is not effective.
    public var drainVerifyDeadline: Duration

    public static let defaultPipe = "/run/exabgp/exabgp"
    public static let defaultCommandTimeout: Duration = .seconds(3)

    public init(
        pipe: String = ExaBGPConfig.defaultPipe, commandTimeout: Duration = ExaBGPConfig.defaultCommandTimeout,
        drainVerifyDeadline: Duration = BirdConfig.defaultDrainVerifyDeadline
    ) {
        self.pipe = pipe
        self.commandTimeout = commandTimeout
        self.drainVerifyDeadline = drainVerifyDeadline
    }
}
