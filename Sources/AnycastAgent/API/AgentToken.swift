/// A bearer token the agent accepts: a name for logs and audit, a scope, and the secret.
public struct AgentToken: Sendable, Hashable {
    public var name: String
    public var scope: TokenScope
    /// The secret. Never logged.
    public var value: String

    public init(name: String, scope: TokenScope, value: String) {
        self.name = name
        self.scope = scope
        self.value = value
    }
}
