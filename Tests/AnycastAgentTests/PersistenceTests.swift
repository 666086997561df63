import AnycastAgent
import AnycastCore
import Foundation
import Testing

@Suite struct PersistenceTests {
    /// A fresh temporary directory (not created), removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("persistence-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try await body(dir)
    }

    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static let intents: [String: ServiceIntent] = [
        "dns": .announce,
        "ntp": ServiceIntent(
            desired: .drain,
            drain: DrainRecord(operator: "alice", reason: "fibre cut \"north\"", since: Date(timeIntervalSince1970: 1_700_000_000.125), mode: .operator)),
    ]

    // MARK: Desired state

    @Test func desiredStateRoundTripsAcrossInstances() async throws {
        try await Self.withTemporaryDirectory { dir in
            let stateDir = dir + "/var/state"
            let store = try FileDesiredStateStore(directory: stateDir)
            #expect(try Self.mode(of: stateDir) == 0o700, "the state directory is created private")
            #expect(try await store.load() == [:], "no file yet: nothing stored")
            try await store.save(Self.intents)
            #expect(try await store.load() == Self.intents)
            let restarted = try FileDesiredStateStore(directory: stateDir)
            #expect(try await restarted.load() == Self.intents)
            try await restarted.save(["dns": ServiceIntent(desired: .drain)])
            #expect(try await store.load() == ["dns": ServiceIntent(desired: .drain)], "a save replaces the whole state")
            let text = try String(contentsOfFile: store.path, encoding: .utf8)
            #expect(text.contains("\n  "), "pretty-printed for operators")
            #expect(store.path == stateDir + "/desired-state.json")
        }
    }

    @Test func saveReplacesTheFileAtomicallyWithMode0600() async throws {
        try await Self.withTemporaryDirectory { dir in
            let store = try FileDesiredStateStore(directory: dir)
            try await store.save(Self.intents)
            try await store.save(["dns": .announce])
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["desired-state.json"], "no temporary file remains")
            #expect(try Self.mode(of: store.path) == 0o600)

            // A crash between writing the temporary file and the rename leaves it behind.
            let leftover = dir + "/.desired-state.json.tmp-4242-7"
            try Data("{\"dns\": {\"desired\": \"dra".utf8).write(to: URL(fileURLWithPath: leftover))
            #expect(try await store.load() == ["dns": .announce], "load reads only the real file")
            _ = try FileDesiredStateStore(directory: dir)
            #expect(!FileManager.default.fileExists(atPath: leftover), "a restarted store removes it")
        }
    }

    @Test(arguments: ["", "{\"dns\": {\"desired\": \"dra", "{\"dns\": {\"desired\": \"sideways\"}}", "[]"])
    func aCorruptFileIsAnErrorNotAnEmptyState(content: String) async throws {
        try await Self.withTemporaryDirectory { dir in
            let store = try FileDesiredStateStore(directory: dir)
            try Data(content.utf8).write(to: URL(fileURLWithPath: store.path))
            do {
                let loaded = try await store.load()
                Issue.record("a corrupt file must not load (got \(loaded))")
            } catch let error as DesiredStateFileError {
                #expect(error.description.contains(store.path) && error.description.contains("corrupt"), "\(error)")
            }
        }
    }

    // MARK: Audit log

    static func event(_ seq: Int, message: String = "drained for maintenance") -> AgentEvent {
        AgentEvent(
            seq: UInt64(seq), time: Date(timeIntervalSince1970: 1_700_000_000 + Double(seq)), kind: .drain,
            actor: "alice", service: "dns", message: message)
    }

    @Test func appendsAndLoadsInOrderAndContinuesAfterARestart() async throws {
        try await Self.withTemporaryDirectory { dir in
            let log = try AuditLog(directory: dir)
            #expect(log.lastSeq == 0)
            #expect(try log.load(limit: 10) == [])
            for seq in 1...5 { try log.append(Self.event(seq)) }
            #expect(try log.load(limit: 10) == (1...5).map { Self.event($0) })
            #expect(try log.load(limit: 2).map(\.seq) == [4, 5], "the newest entries, oldest first")
            #expect(log.lastSeq == 5)
            #expect(try Self.mode(of: log.path) == 0o600)
            let lines = try String(contentsOfFile: log.path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 5 && lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "one JSON object per line")

            let restarted = try AuditLog(directory: dir)
            #expect(restarted.lastSeq == 5, "a restarted agent continues numbering")
            #expect(try restarted.load(limit: 3).map(\.seq) == [3, 4, 5])
            try restarted.append(Self.event(6))
            #expect(try restarted.load(limit: 100).map(\.seq) == [UInt64](1...6))
        }
    }

    @Test func rotationKeepsEveryEntryUpToKeepFilesInOrder() async throws {
        try await Self.withTemporaryDirectory { dir in
            let lineLength = try AgentJSON.encoder().encode(Self.event(10)).count + 1
            // Two entries fit in a file, three do not.
            let log = try AuditLog(directory: dir, maxBytes: 2 * lineLength, keep: 3)
            for seq in 1...8 { try log.append(Self.event(seq)) }
            #expect(try log.load(limit: 100).map(\.seq) == [UInt64](1...8), "4 files × 2 entries: nothing dropped yet")
            for seq in 9...20 { try log.append(Self.event(seq)) }
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            #expect(names == ["audit.log", "audit.log.1", "audit.log.2", "audit.log.3"])
            for name in names {
                let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
                #expect(data.count <= 2 * lineLength && data.last == UInt8(ascii: "\n"), "\(name): whole lines, within maxBytes")
            }
            let oldest = try String(contentsOfFile: dir + "/audit.log.3", encoding: .utf8).split(separator: "\n")
            #expect(oldest.count == 2 && oldest[0].contains("\"seq\":13"))
            #expect(try log.load(limit: 100) == (13...20).map { Self.event($0) }, "the oldest file was dropped, the rest is in order")
            #expect(try log.load(limit: 3).map(\.seq) == [18, 19, 20], "the newest entries span the current and the rotated file")
            let restarted = try AuditLog(directory: dir, maxBytes: 2 * lineLength, keep: 3)
            #expect(restarted.lastSeq == 20)

            // An entry longer than maxBytes still goes whole into a file of its own.
            try restarted.append(Self.event(21, message: String(repeating: "x", count: 3 * lineLength)))
            #expect(try restarted.load(limit: 2).map(\.seq) == [20, 21])
            #expect(try String(contentsOfFile: dir + "/audit.log", encoding: .utf8).split(separator: "\n").count == 1)
        }
    }

    @Test func aTornLastLineIsSkippedAndBadLinesAreCounted() async throws {
        try await Self.withTemporaryDirectory { dir in
            let log = try AuditLog(directory: dir)
            for seq in 1...3 { try log.append(Self.event(seq)) }
            // The agent crashed in the middle of writing entry 4.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("{\"actor\":\"alice\",\"kind\":\"dra".utf8))
            try handle.close()

            let restarted = try AuditLog(directory: dir)
            #expect(restarted.lastSeq == 3)
            let report = try restarted.loadReport(limit: 100)
            #expect(report.events.map(\.seq) == [1, 2, 3])
            #expect(report.tornLines == 1 && report.skippedLines == 0)

            try restarted.append(Self.event(4))
            let after = try restarted.loadReport(limit: 100)
            #expect(after.events.map(\.seq) == [1, 2, 3, 4], "the next entry starts on a line of its own")
            #expect(after.tornLines == 0 && after.skippedLines == 1, "the torn fragment is now an ordinary bad line")
        }
    }
}
