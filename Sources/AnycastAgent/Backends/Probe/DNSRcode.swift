/// A DNS response code (the 4-bit RCODE of the header), known by its mnemonic and its number;
/// other numbers are kept and shown as `RCODE<n>`.
public struct DNSRcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    /// Only the low 4 bits are kept: that is all the header carries.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue & 0x0F
    }

    public static let noError = DNSRcode(rawValue: 0)
    public static let formErr = DNSRcode(rawValue: 1)
    public static let servFail = DNSRcode(rawValue: 2)
    public static let nxDomain = DNSRcode(rawValue: 3)
    public static let notImp = DNSRcode(rawValue: 4)
    public static let refused = DNSRcode(rawValue: 5)
    public static let yxDomain = DNSRcode(rawValue: 6)
    public static let yxRRSet = DNSRcode(rawValue: 7)
    public static let nxRRSet = DNSRcode(rawValue: 8)
    public static let notAuth = DNSRcode(rawValue: 9)
    public static let notZone = DNSRcode(rawValue: 10)

    static let known: [(name: String, rcode: DNSRcode)] = [
        ("NOERROR", .noError), ("FORMERR", .formErr), ("SERVFAIL", .servFail),
        ("NXDOMAIN", .nxDomain), ("NOTIMP", .notImp), ("REFUSED", .refused),
        ("YXDOMAIN", .yxDomain), ("YXRRSET", .yxRRSet), ("NXRRSET", .nxRRSet),
        ("NOTAUTH", .notAuth), ("NOTZONE", .notZone),
    ]

    /// The rcode for a mnemonic (`"NXDOMAIN"`, case-insensitive) or the generic `"RCODE3"`.
    public init?(name: String) {
        let upper = name.uppercased()
        if let match = Self.known.first(where: { $0.name == upper }) {
            self = match.rcode
        } else if upper.hasPrefix("RCODE"), let number = UInt8(upper.dropFirst(5)), number <= 15 {
            self.init(rawValue: number)
        } else {
            return nil
        }
    }

    /// The mnemonic as dig prints it, or `RCODE<n>`.
    public var name: String {
        Self.known.first(where: { $0.rcode == self })?.name ?? "RCODE\(rawValue)"
    }

    public var description: String { name }
}
