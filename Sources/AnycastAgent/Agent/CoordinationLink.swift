import AnycastCoordination
import AnycastCore

/// How an agent takes part in the fleet's coordination: the store, what to do while it is lost,
/// and how often the site's record is renewed.
public struct CoordinationLink: Sendable {
    public var store: any CoordinationStore
    public var rule: CoordinationConfig.LossRule
    /// The record's lease: renewed every third of it.
    public var leaseTTL: Duration
    /// The record is written again this often even when nothing changed, so its age says how
    /// recently the agent spoke for its site.
    public var rewriteEvery: Duration
    /// The endpoints, for the status.
    public var endpoints: [String]
    /// The store's own deadline per call.
    public var timeout: Duration

    public init(store: any CoordinationStore, rule: CoordinationConfig.LossRule = .hold, leaseTTL: Duration = CoordinationConfig.defaultLeaseTTL,
                rewriteEvery: Duration = .seconds(15), endpoints: [String] = [], timeout: Duration = CoordinationConfig.defaultTimeout) {
        self.timeout = timeout
        self.store = store
        self.rule = rule
        self.leaseTTL = leaseTTL
        self.rewriteEvery = rewriteEvery
        self.endpoints = endpoints
    }
}
