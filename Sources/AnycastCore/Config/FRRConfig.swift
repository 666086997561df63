/// How the agent talks to FRR: through `vtysh`, with JSON answers.
public struct FRRConfig: Sendable, Hashable {
    /// Path of vtysh.
    public var vtysh: String
    /// FRR's pathspace (`vtysh -N NAME`), when bgpd runs under one; nil: the default.
    public var pathspace: String?
    /// Deadline for one vtysh run.
    public var commandTimeout: Duration
    /// How long a change may take to show in what FRR sends each peer before it is not effective.
    public var drainVerifyDeadline: Duration

    public static let defaultVtysh = "/usr/bin/vtysh"
    public static let defaultCommandTimeout: Duration = .seconds(3)

    public init(
        vtysh: String = FRRConfig.defaultVtysh, pathspace: String? = nil,
        commandTimeout: Duration = FRRConfig.defaultCommandTimeout,
        drainVerifyDeadline: Duration = BirdConfig.defaultDrainVerifyDeadline
    ) {
        self.vtysh = vtysh
        self.pathspace = pathspace
        self.commandTimeout = commandTimeout
        self.drainVerifyDeadline = drainVerifyDeadline
    }
}
