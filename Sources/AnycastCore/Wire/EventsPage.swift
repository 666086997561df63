/// The answer of `GET /v1/events?since=SEQ`.
public struct EventsPage: Codable, Sendable, Hashable {
    /// Events with a sequence number above `since`, oldest first.
    public var events: [AgentEvent]
    /// The highest sequence number the agent has issued; pass it as `since` next time.
    public var last: UInt64

    public init(events: [AgentEvent], last: UInt64) {
        self.events = events
        self.last = last
    }
}
