import AnycastCore

/// Where the fleet's budget and every site's record are kept, as a site's agent uses it. One
/// implementation speaks to etcd; tests use an in-memory one with the same compare-and-write rule.
public protocol CoordinationStore: Sendable {
    /// Where the budget is read from, for people ("/anycast-dash/prod/budget").
    var budgetLocation: String { get }
    /// Every site record and the budget, read at one revision.
    func read() async throws -> CoordinationView
    /// Writes this site's record if no key `view` read has changed, and no site record has been
    /// created, since: the budget was judged on exactly what is there. False when something
    /// changed (read again and judge again).
    func write(_ record: SiteRecord, ifUnchangedSince view: CoordinationView) async throws -> Bool
    /// Writes this site's record whatever the others say (reports of state, re-announcements).
    func publish(_ record: SiteRecord) async throws
    /// Renews the lease the record lives under; false when it had already ended, so the record
    /// is gone and must be written again.
    func keepAlive() async throws -> Bool
    /// Ends the lease now, removing the record (an agent that stops cleanly).
    func resign() async
}

/// The fleet as the store held it at one revision.
public struct CoordinationView: Sendable, Hashable {
    public var records: [SiteRecord]
    /// The published budget; nil when nobody has published one.
    public var budget: DrainBudget?
    /// The operators' changes in progress.
    public var locks: [SiteLock] = []
    /// The store's revision when read.
    public var revision: Int64
    /// Each key read and the revision it last changed at (what a conditional write compares).
    public var versions: [String: Int64]
    /// Keys whose value could not be read, with why: they are reported, not silently skipped.
    public var unreadable: [String]

    public init(records: [SiteRecord], budget: DrainBudget?, revision: Int64, versions: [String: Int64] = [:], unreadable: [String] = []) {
        self.records = records
        self.budget = budget
        self.revision = revision
        self.versions = versions
        self.unreadable = unreadable
    }
}

/// Where each thing lives under a fleet's prefix.
public struct CoordinationKeys: Sendable, Hashable {
    public var prefix: String

    public init(prefix: String) { self.prefix = prefix }

    /// `<prefix>/sites/`: one key per site.
    public var sites: String { prefix + "/sites/" }
    public func site(_ id: String) -> String { sites + id }
    /// `<prefix>/budget`: the budget every agent judges withdrawals by.
    public var budget: String { prefix + "/budget" }
    /// `<prefix>/locks/`: one key per site with an operator's change in progress.
    public var locks: String { prefix + "/locks/" }
    public func lock(_ site: String) -> String { locks + site }
}
