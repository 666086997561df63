/// The DNS probe of the local service: `[probe]` in the agent config.
public struct ProbeConfig: Sendable, Hashable {
    public var server: String
    public var port: Int
    public var name: String
    /// Record type by name (`A`, `AAAA`, `TXT`, `SOA`, ...).
    public var type: String
    /// Expected rcode by name (`NOERROR`, `NXDOMAIN`, ...).
    public var expectRcode: String
    public var interval: Duration
    public var timeout: Duration
    /// `udp` or `tcp`.
    public var transport: String

    public static let recordTypes: Set<String> = ["A", "AAAA", "TXT", "NS", "SOA", "CNAME", "MX", "PTR", "SRV", "CAA", "ANY"]
    public static let rcodes: Set<String> = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]

    public init(server: String, port: Int = 53, name: String, type: String = "A", expectRcode: String = "NOERROR",
                interval: Duration = .seconds(1), timeout: Duration = .milliseconds(500), transport: String = "udp") {
        self.server = server
        self.port = port
        self.name = name
        self.type = type
        self.expectRcode = expectRcode
        self.interval = interval
        self.timeout = timeout
        self.transport = transport
    }
}
