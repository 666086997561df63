import AnycastCore
import Foundation

/// The fleet's budget where every agent reads it: one key under the fleet's prefix, written by
/// `anycast-dash budget apply` from the fleet config and read by each agent before a withdrawal.
public struct FleetBudgetStore: Sendable {
    let client: EtcdClient
    public let keys: CoordinationKeys

    public init(client: EtcdClient, prefix: String) {
        self.client = client
        self.keys = CoordinationKeys(prefix: prefix)
    }

    /// Writes `budget`, replacing the one published before.
    public func publish(_ budget: DrainBudget) async throws {
        try await client.put(keys.budget, try EtcdCoordinationStore.encode(budget))
    }

    /// The published budget, or nil when there is none.
    public func read() async throws -> DrainBudget? {
        guard let kv = try await client.get(keys.budget) else { return nil }
        return try AgentJSON.decoder().decode(DrainBudget.self, from: kv.value)
    }
}
