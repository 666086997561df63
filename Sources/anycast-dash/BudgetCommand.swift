import AnycastCoordination
import AnycastCore
import ArgumentParser
import Foundation

/// `anycast-dash budget apply|show --fleet F`: the fleet's disruption budget in its coordination
/// store, where every agent judges withdrawals by it.
struct BudgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Publish the fleet config's disruption budget to the fleet's coordination store, or show the published one.",
        subcommands: [Apply.self, Show.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Write min_active_sites, max_concurrent_changes and the regions' limits from the fleet config to etcd.")

        @Option(name: .long, help: "Fleet config (TOML) with a [coordination] table. Default: $ANYCAST_FLEET, then $XDG_CONFIG_HOME/anycast-dash/fleet.toml.")
        var fleet: String?

        func run() async throws {
            let (config, store, client) = try BudgetCommand.open(fleet)
            let budget = DrainBudget(config: config)
            do { try await store.publish(budget) } catch {
                await client.shutdown()
                throw fail("cannot publish the budget: \(error)", 4)
            }
            await client.shutdown()
            emit("published at \(store.keys.budget): \(BudgetCommand.describe(budget))\n")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the budget the agents judge withdrawals by.")

        @Option(name: .long, help: "Fleet config (TOML) with a [coordination] table.")
        var fleet: String?

        func run() async throws {
            let (_, store, client) = try BudgetCommand.open(fleet)
            let budget: DrainBudget?
            do { budget = try await store.read() } catch {
                await client.shutdown()
                throw fail("cannot read the budget: \(error)", 4)
            }
            await client.shutdown()
            guard let budget else { throw fail("no budget is published at \(store.keys.budget): agents hold every withdrawal; run anycast-dash budget apply", 4) }
            emit("\(store.keys.budget): \(BudgetCommand.describe(budget))\n")
        }
    }

    /// The fleet config and its store; exit 2 for a config without `[coordination]`.
    static func open(_ fleet: String?) throws -> (FleetConfig, FleetBudgetStore, EtcdClient) {
        let env = ProcessInfo.processInfo.environment
        guard let path = FleetConfigLocator.locate(explicit: fleet, environment: env, fileExists: { FileManager.default.fileExists(atPath: $0) }) else {
            throw fail("no fleet config: give --fleet FILE or set ANYCAST_FLEET", 2)
        }
        let config: FleetConfig
        do { config = try FleetConfigLoader.load(path: path) } catch { throw fail("\(error)", 2) }
        guard let c = config.coordination else {
            throw fail("\(path): the fleet config has no [coordination] table, so there is no store to publish the budget to", 2)
        }
        let client: EtcdClient
        do { client = try EtcdClient.make(c) } catch { throw fail("\(path): [coordination] TLS files: \(error)", 2) }
        return (config, FleetBudgetStore(client: client, prefix: c.prefix), client)
    }

    /// `min_active_sites 2, max_concurrent_changes 1; region eu: min_active 1`.
    static func describe(_ b: DrainBudget) -> String {
        var text = "min_active_sites \(b.minActiveSites), max_concurrent_changes \(b.maxConcurrentChanges.map(String.init) ?? "no limit")"
        for region in Set(b.regionMinimums.keys).union(b.regionMaxConcurrentChanges.keys).sorted() {
            text += "; region \(region): min_active \(b.regionMinimums[region] ?? 0)"
            if let m = b.regionMaxConcurrentChanges[region] { text += ", max_concurrent_changes \(m)" }
        }
        return text
    }
}
