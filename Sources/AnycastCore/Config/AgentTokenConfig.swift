/// What an agent token may do. (The agent's `TokenScope` has the same raw values.)
public enum AgentTokenScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Read status and events.
    case read
    /// Also drain and undrain.
    case operate
}

/// One `[[token]]` of the agent config: a name for logs and the audit trail, a scope, and the
/// secret read from its source. `description` never shows the secret.
public struct AgentTokenConfig: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var name: String
    public var scope: AgentTokenScope
    /// The resolved secret. Never logged or printed.
    public var value: String
    /// Where the secret came from (`file`, `env` or `value`).
    public var source: TokenSource

    public init(name: String, scope: AgentTokenScope, value: String, source: TokenSource) {
        self.name = name
        self.scope = scope
        self.value = value
        self.source = source
    }

    public var description: String { "token '\(name)' (\(scope.rawValue), from \(source))" }
    public var debugDescription: String { description }
}
