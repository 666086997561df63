/// A service's de-prefer step: how its route is made less preferred before it is withdrawn,
/// and when the drain moves on to the withdraw.
public struct DepreferStep: Sendable, Hashable, Codable {
    /// Routing-daemon protocols that originate the prefixes with the de-prefer attributes
    /// (BIRD: a second static protocol of lower preference, disabled while not draining).
    public var originProtocols: [String]
    /// How many times the site's AS is prepended to the path.
    public var prepend: Int
    /// The MED the route carries, if one is set.
    public var med: UInt32?
    /// Whether the route carries the GRACEFUL_SHUTDOWN community 65535:0 (RFC 8326).
    public var gracefulShutdown: Bool
    /// Withdraw once the site's rate is below this share of the rate before the drain (0–1).
    public var withdrawBelow: Double
    /// Withdraw after this long at the de-prefer step, whatever the rate.
    public var stageTimeout: Duration

    public static let defaultWithdrawBelow = 0.1
    public static let defaultStageTimeout: Duration = .seconds(300)

    public init(
        originProtocols: [String], prepend: Int = 0, med: UInt32? = nil, gracefulShutdown: Bool = false,
        withdrawBelow: Double = DepreferStep.defaultWithdrawBelow, stageTimeout: Duration = DepreferStep.defaultStageTimeout
    ) {
        self.originProtocols = originProtocols
        self.prepend = prepend
        self.med = med
        self.gracefulShutdown = gracefulShutdown
        self.withdrawBelow = withdrawBelow
        self.stageTimeout = stageTimeout
    }

    /// The attributes in words, e.g. "AS path prepended 3 times, MED 1000, community 65535:0".
    public var attributesText: String {
        var parts: [String] = []
        if prepend > 0 { parts.append("AS path prepended \(prepend) time\(prepend == 1 ? "" : "s")") }
        if let med { parts.append("MED \(med)") }
        if gracefulShutdown { parts.append("community 65535:0") }
        return parts.isEmpty ? "no attributes" : parts.joined(separator: ", ")
    }
}

/// What the API says of a service's de-prefer step (`ServiceStatus.deprefer`).
public struct DepreferSummary: Codable, Sendable, Hashable {
    public var prepend: Int
    public var med: UInt32?
    public var gracefulShutdown: Bool
    /// Share of the rate before the drain below which the drain withdraws.
    public var withdrawBelow: Double
    /// Seconds at the de-prefer step after which the drain withdraws anyway.
    public var stageTimeout: Double

    public init(_ step: DepreferStep) {
        prepend = step.prepend
        med = step.med
        gracefulShutdown = step.gracefulShutdown
        withdrawBelow = step.withdrawBelow
        stageTimeout = Double(step.stageTimeout.components.seconds)
    }

    public init(prepend: Int, med: UInt32? = nil, gracefulShutdown: Bool, withdrawBelow: Double, stageTimeout: Double) {
        self.prepend = prepend
        self.med = med
        self.gracefulShutdown = gracefulShutdown
        self.withdrawBelow = withdrawBelow
        self.stageTimeout = stageTimeout
    }

    enum CodingKeys: String, CodingKey {
        case prepend, med
        case gracefulShutdown = "graceful_shutdown"
        case withdrawBelow = "withdraw_below"
        case stageTimeout = "stage_timeout"
    }
}
