/// Finds the token a request presents, comparing in constant time so that response timing
/// says nothing about how much of a guess was right.
public struct TokenAuthenticator: Sendable {
    private let tokens: [AgentToken]

    public init(tokens: [AgentToken]) {
        self.tokens = tokens
    }

    /// The token matching `presented`, or `nil`. Every configured token is compared in full.
    public func authenticate(_ presented: String) -> AgentToken? {
        let given = Array(presented.utf8)
        var match: AgentToken?
        for token in tokens {
            if Self.constantTimeEqual(given, Array(token.value.utf8)) && match == nil { match = token }
        }
        return match
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
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
