/// How the agent talks to BIRD: its control socket and how long to wait for it.
public struct BirdConfig: Sendable, Hashable {
    /// Path of BIRD's control socket, e.g. `/run/bird/bird.ctl`.
    public var socket: String
    /// Deadline for one command on the control socket.
    public var commandTimeout: Duration
    /// How long a drain may take to show up as withdrawn towards every peer before it is
    /// reported as not effective.
    public var drainVerifyDeadline: Duration

    public static let defaultCommandTimeout: Duration = .seconds(2)
    public static let defaultDrainVerifyDeadline: Duration = .seconds(5)

    public init(
        socket: String, commandTimeout: Duration = BirdConfig.defaultCommandTimeout,
        drainVerifyDeadline: Duration = BirdConfig.defaultDrainVerifyDeadline
    ) {
        self.socket = socket
        self.commandTimeout = commandTimeout
        self.drainVerifyDeadline = drainVerifyDeadline
    }
}
