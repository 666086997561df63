/// `[coordination]`: the etcd cluster that keeps the fleet's budget and every site's record,
/// in both the agent's and the fleet's config. Absent: each site decides alone, as before.
public struct CoordinationConfig: Sendable, Hashable {
    /// What an agent does while it cannot reach the store.
    public enum LossRule: String, Sendable, Hashable, CaseIterable {
        /// Fail static: keep announcing, hold every automatic withdrawal, refuse drains that are
        /// not overridden.
        case hold
        /// Decide alone, as without coordination: a failing site withdraws itself.
        case local
    }

    /// Client URLs of the cluster's members (`http://` or `https://`).
    public var endpoints: [String]
    /// The key prefix every key of this fleet lives under, e.g. `/anycast-dash/prod`.
    public var prefix: String
    /// The deadline of each call to the store, failover across members included.
    public var timeout: Duration
    /// How long a site's record outlives its agent (the etcd lease's TTL).
    public var leaseTTL: Duration
    public var onLoss: LossRule
    /// CA certificates for https endpoints (the system's roots when nil).
    public var caFile: String?
    /// A client certificate and key, for a cluster that authenticates clients by certificate.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// etcd's own authentication: the user, and where its password comes from (resolved into
    /// `password` when the config is read). Nil for a cluster without `auth enable`.
    public var username: String?
    public var passwordSource: TokenSource?
    public var password: String?
    /// How long a dashboard's change lock outlives the dashboard (the lock's etcd lease TTL).
    public var lockTTL: Duration

    public static let defaultPrefix = "/anycast-dash"
    public static let defaultTimeout: Duration = .seconds(2)
    public static let defaultLeaseTTL: Duration = .seconds(10)
    public static let defaultLockTTL: Duration = .seconds(30)

    public init(endpoints: [String], prefix: String = CoordinationConfig.defaultPrefix,
                timeout: Duration = CoordinationConfig.defaultTimeout, leaseTTL: Duration = CoordinationConfig.defaultLeaseTTL,
                onLoss: LossRule = .hold, caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
                lockTTL: Duration = CoordinationConfig.defaultLockTTL) {
        self.endpoints = endpoints
        self.prefix = prefix
        self.timeout = timeout
        self.leaseTTL = leaseTTL
        self.onLoss = onLoss
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.lockTTL = lockTTL
    }
}
