import AnycastCore
import Synchronization

/// A desired-state store that lives only as long as the process (simulator and tests).
public final class InMemoryDesiredStateStore: DesiredStateStore {
    private let intents: Mutex<[String: ServiceIntent]>

    public init(_ initial: [String: ServiceIntent] = [:]) {
        intents = Mutex(initial)
    }

    public func load() async throws -> [String: ServiceIntent] { intents.withLock { $0 } }

    public func save(_ new: [String: ServiceIntent]) async throws { intents.withLock { $0 = new } }
}
