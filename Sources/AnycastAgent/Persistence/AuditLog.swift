import AnycastCore
import Foundation
import Synchronization

/// The agent's audit trail on disk: one JSON line per event in `DIR/audit.log`, fsynced on
/// every append, rotated to `audit.log.1` … `audit.log.{keep}` when it would grow past
/// `maxBytes`. It survives restarts so that numbering continues and history stays readable.
public final class AuditLog: AuditSink, Sendable {
    public static let fileName = "audit.log"

    /// The path of the current file; rotated files add `.1` (newest) … `.{keep}` (oldest).
    public let path: String
    public let maxBytes: Int
    public let keep: Int

    private struct State {
        /// Bytes in the current file.
        var size: Int
        /// Whether the current file is non-empty and its last line is unfinished (a write torn
        /// by a crash): the next entry then starts on a line of its own.
        var tornTail: Bool
        var lastSeq: UInt64
    }

    private let state: Mutex<State>

    /// Opens (and creates, mode 0700) `directory`, reading the newest entry for `lastSeq`.
    public init(directory: String, maxBytes: Int = 8 * 1024 * 1024, keep: Int = 4) throws {
        precondition(maxBytes > 0 && keep >= 0, "AuditLog needs maxBytes > 0 and keep >= 0")
        try DurableFile.createDirectory(directory)
        path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
        self.maxBytes = maxBytes
        self.keep = keep
        var size = 0
        var tornTail = false
        if let data = try Self.read(path) {
            size = data.count
            tornTail = data.last.map { $0 != UInt8(ascii: "\n") } ?? false
        }
        let newest = try Self.scan(files: Self.files(path: path, keep: keep), limit: 1).events.last
        state = Mutex(State(size: size, tornTail: tornTail, lastSeq: newest?.seq ?? 0))
    }

    /// The highest sequence number appended, or read back at start; 0 for an empty log.
    public var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    /// Appends `event` as one line and fsyncs it, rotating first when the line would take the
    /// current file past `maxBytes` (a line longer than that gets a file of its own).
    public func append(_ event: AgentEvent) throws {
        var line = try AgentJSON.encoder().encode(event)
        precondition(!line.contains(UInt8(ascii: "\n")), "an audit entry must encode to one line")
        line.append(UInt8(ascii: "\n"))
        try state.withLock { (s: inout State) throws in
            if s.size > 0 && s.size + line.count + (s.tornTail ? 1 : 0) > maxBytes {
                try rotate()
                s.size = 0
                s.tornTail = false
            }
            var bytes = line
            if s.tornTail { bytes.insert(UInt8(ascii: "\n"), at: 0) }
            try DurableFile.append(bytes, to: path, mode: 0o600)
            s.size += bytes.count
            s.tornTail = false
            s.lastSeq = max(s.lastSeq, event.seq)
        }
    }

    /// The newest `limit` entries across the current and rotated files, oldest first.
    public func load(limit: Int) throws -> [AgentEvent] {
        try loadReport(limit: limit).events
    }

    /// `load(limit:)` with a count of the lines that could not be read.
    public func loadReport(limit: Int) throws -> AuditLoadResult {
        try state.withLock { _ throws -> AuditLoadResult in
            try Self.scan(files: Self.files(path: path, keep: keep), limit: limit)
        }
    }

    /// `audit.log.{keep-1}` → `audit.log.{keep}` (dropping the oldest) … `audit.log` →
    /// `audit.log.1`, oldest first so that no entry is ever missing from every file; each rename
    /// is made durable before the next.
    private func rotate() throws {
        guard keep > 0 else {
            unlink(path)
            try DurableFile.syncDirectory(DurableFile.directoryOf(path))
            return
        }
        for n in stride(from: keep - 1, through: 1, by: -1) where FileManager.default.fileExists(atPath: "\(path).\(n)") {
            try DurableFile.move("\(path).\(n)", to: "\(path).\(n + 1)")
        }
        try DurableFile.move(path, to: "\(path).1")
    }

    /// The files from oldest to newest.
    private static func files(path: String, keep: Int) -> [String] {
        stride(from: keep, through: 1, by: -1).map { "\(path).\($0)" } + [path]
    }

    /// The file's bytes, or `nil` when it does not exist.
    private static func read(_ file: String) throws -> Data? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw AuditLogError(path: file, problem: "cannot be read: \(error.localizedDescription)")
        }
    }

    /// Reads `files` (oldest first) from the newest backwards until `limit` entries are found.
    private static func scan(files: [String], limit: Int) throws -> AuditLoadResult {
        var result = AuditLoadResult()
        guard limit > 0 else { return result }
        let decoder = AgentJSON.decoder()
        var newestFirst: [AgentEvent] = []
        outer: for file in files.reversed() {
            guard let data = try read(file), !data.isEmpty else { continue }
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let finished = data.last == UInt8(ascii: "\n")
            if finished { lines.removeLast() }  // the empty piece after the last newline
            for (i, line) in lines.enumerated().reversed() {
                if line.isEmpty { continue }
                guard let event = try? decoder.decode(AgentEvent.self, from: Data(line)) else {
                    if i == lines.count - 1 && !finished { result.tornLines += 1 } else { result.skippedLines += 1 }
                    continue
                }
                newestFirst.append(event)
                if newestFirst.count >= limit { break outer }
            }
        }
        result.events = newestFirst.reversed()
        return result
    }
}

/// What `AuditLog.loadReport(limit:)` read.
public struct AuditLoadResult: Sendable, Hashable {
    /// The entries, oldest first.
    public var events: [AgentEvent] = []
    /// Lines that were not valid entries (not counting a torn last line).
    public var skippedLines = 0
    /// Unfinished last lines of a file, left by a crash in the middle of a write.
    public var tornLines = 0
}

/// An audit file that exists but cannot be read.
public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public var description: String { "the audit log \(path) \(problem)" }
}
