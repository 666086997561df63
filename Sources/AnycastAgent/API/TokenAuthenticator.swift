/// Finds the token a request presents, comparing in constant time so that response timing
/// says nothing about how much of a guess was right.
public struct TokenAuthenticator: Sendable {
    private let tokens: [(token: AgentToken, bytes: [UInt8])]

    public init(tokens: [AgentToken]) {
        self.tokens = tokens.map { ($0, Array($0.value.utf8)) }
    }

    /// The token matching `presented`, or `nil`. Every configured token is compared in full.
    public func authenticate(_ presented: String) -> AgentToken? {
        authenticate(bytes: presented.utf8)
    }

    /// The token matching the UTF-8 bytes `presented`, or `nil` (no copy for a native string).
    public func authenticate<Bytes: Collection<UInt8>>(bytes presented: Bytes) -> AgentToken? {
        if let match = presented.withContiguousStorageIfAvailable({ find($0) }) { return match }
        return Array(presented).withUnsafeBufferPointer { find($0) }
    }

    private func find(_ given: UnsafeBufferPointer<UInt8>) -> AgentToken? {
        var match: AgentToken?
        for (token, bytes) in tokens {
            let equal = bytes.withUnsafeBufferPointer { Self.constantTimeEqual(given, $0) }
            if equal && match == nil { match = token }
        }
        return match
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let n = max(a.count, b.count)
        guard n > 0 else { return a.count == b.count }
        for i in 0..<n {
            let x = a.isEmpty ? 0 : a[i % a.count]
            let y = b.isEmpty ? 0 : b[i % b.count]
            diff |= x ^ y
        }
        return diff == 0 && a.count == b.count
    }
}
