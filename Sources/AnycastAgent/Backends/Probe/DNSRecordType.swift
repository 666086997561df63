/// A DNS record type (QTYPE/TYPE), known by its mnemonic and its number; unknown numbers are
/// kept and shown as `TYPE<n>` (RFC 3597).
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let a = DNSRecordType(rawValue: 1)
    public static let ns = DNSRecordType(rawValue: 2)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let soa = DNSRecordType(rawValue: 6)
    public static let ptr = DNSRecordType(rawValue: 12)
    public static let mx = DNSRecordType(rawValue: 15)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)
    public static let srv = DNSRecordType(rawValue: 33)
    public static let ds = DNSRecordType(rawValue: 43)
    public static let dnskey = DNSRecordType(rawValue: 48)
    public static let https = DNSRecordType(rawValue: 65)
    public static let caa = DNSRecordType(rawValue: 257)
    public static let any = DNSRecordType(rawValue: 255)

    static let known: [(name: String, type: DNSRecordType)] = [
        ("A", .a), ("NS", .ns), ("CNAME", .cname), ("SOA", .soa), ("PTR", .ptr), ("MX", .mx),
        ("TXT", .txt), ("AAAA", .aaaa), ("SRV", .srv), ("DS", .ds), ("DNSKEY", .dnskey),
        ("HTTPS", .https), ("CAA", .caa), ("ANY", .any),
    ]

    /// The type for a mnemonic (`"TXT"`, case-insensitive) or the generic form `"TYPE16"`.
    public init?(name: String) {
        let upper = name.uppercased()
        if let match = Self.known.first(where: { $0.name == upper }) {
            self = match.type
        } else if upper.hasPrefix("TYPE"), let number = UInt16(upper.dropFirst(4)) {
            self.init(rawValue: number)
        } else {
            return nil
        }
    }

    /// The mnemonic, or `TYPE<n>` for a type without one here.
    public var name: String {
        Self.known.first(where: { $0.type == self })?.name ?? "TYPE\(rawValue)"
    }

    public var description: String { name }
}
