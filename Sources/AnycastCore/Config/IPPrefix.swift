/// Checks IP address literals and CIDR prefixes as config files write them, without any
/// networking library: `192.0.2.1`, `2001:db8::1`, `203.0.113.0/24`, `2001:db8:53::/48`.
public enum IPPrefix {
    /// The 4 bytes of a dotted-quad IPv4 address (`a.b.c.d`, each 0…255, no leading zeros).
    public static func ipv4Bytes(_ text: some StringProtocol) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0",
                  let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// The 16 bytes of an IPv6 address: eight groups of 1–4 hex digits, `::` for a run of
    /// zero groups (at most once), optionally ending in a dotted-quad IPv4 address.
    public static func ipv6Bytes(_ text: some StringProtocol) -> [UInt8]? {
        let s = String(text)
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }) else { return nil }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                if field.contains(".") {
                    guard allowIPv4Tail, i == fields.count - 1, let v4 = ipv4Bytes(field) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                } else {
                    guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        let words: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false),
                  let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 7
            else { return nil }
            words = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            words = all
        }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Whether `text` is an IPv4 or IPv6 address literal.
    public static func isAddress(_ text: String) -> Bool {
        ipv4Bytes(text) != nil || ipv6Bytes(text) != nil
    }

    /// A canonical form of a valid prefix (the same for `2001:db8::/32` and `2001:0DB8:0::/32`),
    /// for finding duplicates; `nil` when `text` is not a valid prefix.
    public static func canonical(_ text: String) -> String? {
        guard problem(with: text) == nil else { return nil }
        let parts = text.split(separator: "/")
        guard let bytes = ipv4Bytes(parts[0]) ?? ipv6Bytes(parts[0]), let length = Int(parts[1]) else { return nil }
        return bytes.map(String.init).joined(separator: ".") + "/\(length)"
    }

    /// What is wrong with `text` as a CIDR prefix, or `nil` if it is a valid one: an address,
    /// `/`, a length (0–32 for IPv4, 0–128 for IPv6), and no bits set after the length.
    public static func problem(with text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "not in CIDR notation (address/length)" }
        let bytes: [UInt8]
        if let v4 = ipv4Bytes(parts[0]) {
            bytes = v4
        } else if let v6 = ipv6Bytes(parts[0]) {
            bytes = v6
        } else {
            return "'\(parts[0])' is not an IPv4 or IPv6 address"
        }
        let maxLength = bytes.count * 8
        guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = Int(parts[1]), length <= maxLength
        else { return "the prefix length must be 0–\(maxLength)" }
        for (i, byte) in bytes.enumerated() {
            let bitsKept = min(max(length - i * 8, 0), 8)
            let hostMask: UInt8 = bitsKept == 8 ? 0 : 0xFF >> UInt8(bitsKept)
            if byte & hostMask != 0 { return "host bits are set after /\(length)" }
        }
        return nil
    }
}
