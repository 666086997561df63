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
    /// The change reference of the drain the event is about.
    public var ticket: String?
    /// The step of a drain's life the event records (staged drains, leases).
    public var change: DrainChange?

    public init(
        seq: UInt64, time: Date, kind: EventKind, actor: String, service: String? = nil,
        message: String, token: String? = nil, client: String? = nil, reason: String? = nil,
        result: String? = nil, ticket: String? = nil, change: DrainChange? = nil
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
        self.ticket = ticket
        self.change = change
    }

    enum CodingKeys: String, CodingKey {
        case seq, time, kind, actor, service, message, token, client, reason, result, ticket, change
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(UInt64.self, forKey: .seq)
        time = try c.decode(Date.self, forKey: .time)
        kind = try c.decode(EventKind.self, forKey: .kind)
        actor = try c.decode(String.self, forKey: .actor)
        service = try c.decodeIfPresent(String.self, forKey: .service)
        message = try c.decode(String.self, forKey: .message)
        token = try c.decodeIfPresent(String.self, forKey: .token)
        client = try c.decodeIfPresent(String.self, forKey: .client)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        result = try c.decodeIfPresent(String.self, forKey: .result)
        ticket = try c.decodeIfPresent(String.self, forKey: .ticket)
        // A step a newer agent names that this build does not know is left out, not an error.
        change = (try? c.decodeIfPresent(DrainChange.self, forKey: .change)) ?? nil
    }
}
