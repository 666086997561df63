/// Who sent an API request: the token's name (never the token) and the client address.
public struct RequestOrigin: Sendable, Hashable {
    public var tokenName: String
    public var clientAddress: String?

    public init(tokenName: String, clientAddress: String? = nil) {
        self.tokenName = tokenName
        self.clientAddress = clientAddress
    }
}
