import Foundation

/// The hostile agents of scripts/acceptance/hostile_agents.py, run as a child process on ports
/// the system chooses: the one implementation of the misbehaving agents, which hostile.sh
/// also runs against the real dashboard. A separate process, as on separate machines: one of
/// them pumping 100 MB never shares a thread with the poller under test.
final class HostileAgents {
    /// A line of the script's manifest: the site's id, its case's name, its region (`stream`,
    /// or `poll` for the sites that answer the status stream 404) and where it listens.
    struct Site {
        let id: String
        let name: String
        let region: String
        let scheme: String
        let port: Int
    }

    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/acceptance/hostile_agents.py")

    let sites: [Site]
    private let process: Process

    private init(process: Process, sites: [Site]) {
        self.process = process
        self.sites = sites
    }

    /// Starts every hostile agent and returns once each listens. The script exits by itself
    /// after `lifetime` seconds, should the test never stop it. Its output goes to pipes, not
    /// to the test's: `swift test` waits for the end of the test's output.
    static func start(lifetime: Int = 120) async throws -> HostileAgents {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--base-port", "0", "--duration", "\(lifetime)"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let manifest = await readManifest(output.fileHandleForReading)
        guard manifest.hasSuffix("ready\n") else {
            process.terminate()
            let said = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            throw StartFailure(description: "hostile_agents.py ended before it was ready: \(manifest)\(said)")
        }
        let sites = manifest.split(separator: "\n").dropLast().compactMap { line -> Site? in
            let field = line.split(separator: " ").map(String.init)
            guard field.count == 5, let port = Int(field[4]) else { return nil }
            return Site(id: field[0], name: field[1], region: field[2], scheme: field[3], port: port)
        }
        return HostileAgents(process: process, sites: sites)
    }

    /// The manifest, up to `ready` (or all there is when the script ends first). Read on a
    /// thread of its own: a blocking read must not hold one of the few threads Swift
    /// concurrency runs every test on.
    private static func readManifest(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var manifest = ""
                while !manifest.hasSuffix("ready\n") {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    manifest += String(decoding: data, as: UTF8.self)
                }
                continuation.resume(returning: manifest)
            }
        }
    }

    /// Ends the agents (SIGTERM; the script exits within a second). Nothing waits for it.
    func stop() {
        process.terminate()
    }
}
