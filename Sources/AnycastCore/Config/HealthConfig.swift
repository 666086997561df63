/// The rise/fall counts of the health state machine: `[health]` in the agent config.
public struct HealthConfig: Sendable, Hashable {
    /// Consecutive good checks before a check counts as up.
    public var rise: Int
    /// Consecutive failed checks before it counts as down.
    public var fall: Int

    public init(rise: Int = 3, fall: Int = 3) {
        self.rise = rise
        self.fall = fall
    }
}
