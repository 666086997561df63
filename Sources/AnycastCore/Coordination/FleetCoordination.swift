import Foundation

/// The fleet's coordination store as a dashboard sees it: the health of each member, and what
/// the store holds (site records, the operators' locks, the budget) as of one read.
public struct FleetCoordination: Sendable, Hashable {
    /// One member of the cluster, as its own status call answered.
    public struct Member: Sendable, Hashable {
        public var endpoint: String
        /// The member's name in the cluster (`--name`), when the member list could be read.
        public var name: String?
        /// Whether it answered its status call.
        public var up: Bool
        public var isLeader: Bool
        /// The round trip of the status call.
        public var latency: Duration?
        public var error: String?

        public init(endpoint: String, name: String? = nil, up: Bool, isLeader: Bool, latency: Duration?, error: String?) {
            self.endpoint = endpoint
            self.name = name
            self.up = up
            self.isLeader = isLeader
            self.latency = latency
            self.error = error
        }
    }

    public var members: [Member]
    public var records: [SiteRecord]
    public var locks: [SiteLock]
    public var budget: DrainBudget?
    /// When the store's keys were read; nil when they could not be.
    public var readAt: Date?
    /// Why the keys could not be read.
    public var error: String?

    public init(members: [Member], records: [SiteRecord] = [], locks: [SiteLock] = [], budget: DrainBudget? = nil,
                readAt: Date? = nil, error: String? = nil) {
        self.members = members
        self.records = records
        self.locks = locks
        self.budget = budget
        self.readAt = readAt
        self.error = error
    }

    public var membersUp: Int { members.filter(\.up).count }
    /// Whether a majority of the members answer (etcd decides nothing without one).
    public var hasQuorum: Bool { membersUp * 2 > members.count }
    public var leader: Member? { members.first { $0.isLeader && $0.up } }
    /// The slowest answer of the members that answered.
    public var latency: Duration? { members.compactMap(\.latency).max() }

    public func record(of site: String) -> SiteRecord? { records.first { $0.site == site } }
    public func lock(of site: String) -> SiteLock? { locks.first { $0.site == site } }

    /// What people call the member: its name, else the host and port of its URL.
    public static func label(_ member: Member) -> String { member.name ?? shortName(member.endpoint) }

    /// A member's short name: the host and port of its URL.
    public static func shortName(_ endpoint: String) -> String {
        var text = Substring(endpoint)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        return String(text.split(separator: "/").first ?? text)
    }
}
