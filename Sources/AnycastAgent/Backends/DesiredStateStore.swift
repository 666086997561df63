import AnycastCore

/// Keeps the desired state of every service. It must be durable before a route changes:
/// the file store writes it atomically; the in-memory store is for the simulator.
public protocol DesiredStateStore: Sendable {
    /// The stored state per service name; services never stored are absent.
    func load() async throws -> [String: ServiceIntent]
    /// Replaces the stored state.
    func save(_ intents: [String: ServiceIntent]) async throws
}

/// What is wanted for one service, and the drain record when it is drained.
public struct ServiceIntent: Sendable, Hashable, Codable {
    public var desired: DesiredState
    public var drain: DrainRecord?

    public init(desired: DesiredState, drain: DrainRecord? = nil) {
        self.desired = desired
        self.drain = drain
    }

    /// Announce, with no drain record.
    public static let announce = ServiceIntent(desired: .announce)
}
