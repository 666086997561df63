import Foundation

/// One protocol from `show protocols` (row only) or `show protocols all` (row and details).
public struct BirdProtocolInfo: Sendable, Hashable {
    /// Protocol name, e.g. `upstream`, `anycast4`.
    public var name: String
    /// Protocol type: `BGP`, `Static`, `Device`, ...
    public var proto: String
    /// Table column; nil when BIRD shows `---`.
    public var table: String?
    /// State column: `up`, `down`, `start`, `stop`, `flush`.
    public var state: String
    /// Since column, parsed with `BirdTime`; nil if BIRD's format was not recognised.
    public var since: Date?
    /// Whole Info column, e.g. "Established" or "Active        Received: Administrative shutdown".
    public var info: String
    /// "Established", "Active", ... from "BGP state:".
    public var bgpState: String?
    public var neighborAddress: String?
    public var neighborAS: UInt32?
    public var localAS: UInt32?
    /// "Last error:" detail, e.g. "Received: Administrative shutdown".
    public var lastError: String?
    /// "Message:" detail: the reason given to `disable NAME "reason"`.
    public var message: String?
    /// Channels in the order BIRD lists them (only with `show protocols all`).
    public var channels: [Channel]

    /// One channel (address family) of a protocol.
    public struct Channel: Sendable, Hashable {
        /// `ipv4`, `ipv6`, ...
        public var name: String
        /// "State:" detail, e.g. `UP`, `DOWN`.
        public var state: String?
        public var imported: Int?
        public var exported: Int?
        public var preferred: Int?
        /// "N filtered" in the Routes line, when BIRD shows it.
        public var filtered: Int?

        public init(name: String, state: String? = nil, imported: Int? = nil, exported: Int? = nil,
                    preferred: Int? = nil, filtered: Int? = nil) {
            self.name = name
            self.state = state
            self.imported = imported
            self.exported = exported
            self.preferred = preferred
            self.filtered = filtered
        }
    }

    public init(name: String, proto: String, table: String? = nil, state: String, since: Date? = nil,
                info: String = "", bgpState: String? = nil, neighborAddress: String? = nil,
                neighborAS: UInt32? = nil, localAS: UInt32? = nil, lastError: String? = nil,
                message: String? = nil, channels: [Channel] = []) {
        self.name = name
        self.proto = proto
        self.table = table
        self.state = state
        self.since = since
        self.info = info
        self.bgpState = bgpState
        self.neighborAddress = neighborAddress
        self.neighborAS = neighborAS
        self.localAS = localAS
        self.lastError = lastError
        self.message = message
        self.channels = channels
    }

    /// True for a BGP protocol.
    public var isBGP: Bool { proto == "BGP" }

    /// True for a BGP protocol whose session is Established ("BGP state:", else the Info column).
    public var isEstablished: Bool {
        guard isBGP else { return false }
        if let bgpState { return bgpState == "Established" }
        return info.split(separator: " ").first == "Established"
    }
}
