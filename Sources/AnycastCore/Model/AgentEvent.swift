import Foundation

/// One entry of a site's event and audit log.
public struct AgentEvent: Codable, Sendable, Hashable {
    /// Sequence number, strictly increasing per agent; `GET /v1/events?since=SEQ` pages on it.
    public var seq: UInt64
    public var time: Date
    public var kind: EventKind
    /// Who did it: an operator name, `health`, `agent` or `bgp`.
    public var actor: String
    /// The service concerned, when the event is about one.
    public var service: String?
    /// Human text.
    public var message: String

    public init(
        seq: UInt64, time: Date, kind: EventKind, actor: String, service: String? = nil,
        message: String
    ) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.actor = actor
        self.service = service
        self.message = message
    }
}
