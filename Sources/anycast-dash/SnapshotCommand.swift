import AnycastCore
import AnycastDashboard
import AnycastPoller
import ArgumentParser
import Foundation
import Logging

/// `anycast-dash snapshot`: poll the fleet N times and print it once, for people or scripts.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Poll every site N times and print the fleet as a table or as JSON.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var source: FleetOptions

    @Option(name: .long, help: "Output format: table or json.")
    var format: Format = .table

    @Option(name: .long, help: "Number of poll cycles before printing (rates need two).")
    var samples: Int = 2

    func validate() throws {
        guard (1...3600).contains(samples) else { throw ValidationError("--samples must be from 1 to 3600") }
    }

    func run() async throws {
        bootstrapLogging(level: .warning)
        let logger = Logger(label: "anycast-dash")
        let opened = try await source.open(logger: logger)
        let poller = FleetPoller(config: opened.config.forPolling(), client: opened.client, logger: logger)
        let last = LastSnapshot()
        await poller.run(cycles: samples) { await last.set($0) }
        guard let snapshot = await last.value else { throw ExitCode(4) }
        let coordination = await opened.watcher?.read()
        switch format {
        case .table:
            emit(FleetTable.render(snapshot, coordination: coordination))
        case .json:
            let data = try AgentJSON.encoder(pretty: true).encode(FleetReport(snapshot, coordination: coordination))
            emit(String(decoding: data, as: UTF8.self) + "\n")
        }
        await opened.close()
    }
}

/// Keeps the newest snapshot handed out by the poller.
actor LastSnapshot {
    private(set) var value: FleetSnapshot?
    func set(_ snapshot: FleetSnapshot) { value = snapshot }
}
