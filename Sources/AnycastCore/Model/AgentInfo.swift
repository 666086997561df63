import Foundation

/// The agent process answering: its version, when it started and its clock.
public struct AgentInfo: Codable, Sendable, Hashable {
    public var version: String
    public var startedAt: Date
    /// The agent's clock when it built the answer (lets the dashboard spot clock skew).
    public var now: Date
    /// The daemons the agent reads and drives, for people (`bird`, `unbound`); absent from
    /// agents that don't say.
    public var daemons: [String]?

    enum CodingKeys: String, CodingKey {
        case version, now, daemons
        case startedAt = "started_at"
    }

    public init(version: String, startedAt: Date, now: Date, daemons: [String]? = nil) {
        self.version = version
        self.startedAt = startedAt
        self.now = now
        self.daemons = daemons
    }
}
