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
    /// Audit fields of operator actions: the API token's name, the client's address, the
    /// operator's reason and the outcome (`applied`, `recorded-not-applied`, `refused`, ...).
    public var token: String?
    public var client: String?
    public var reason: String?
    public var result: String?

    public init(
        seq: UInt64, time: Date, kind: EventKind, actor: String, service: String? = nil,
        message: String, token: String? = nil, client: String? = nil, reason: String? = nil,
        result: String? = nil
    ) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.actor = actor
        self.service = service
        self.message = message
        self.token = token
        self.client = client
        self.reason = reason
        self.result = result
    }
}
