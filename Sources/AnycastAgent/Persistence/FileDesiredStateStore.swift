import AnycastCore
import Foundation
import Synchronization

/// The desired state of every service in `DIR/desired-state.json`, replaced atomically and
/// fsynced on every save, so that a crash or power cut leaves either the old state or the
/// new one. A file that cannot be read back is an error, never an empty state: an agent that
/// lost track of a drain must not announce the drained service again on its own.
public final class FileDesiredStateStore: DesiredStateStore {
    /// The file name inside the state directory.
    public static let fileName = "desired-state.json"

    /// The path of the state file.
    public let path: String
    /// Serializes saves (and loads, so a load never races a save of this process).
    private let lock = Mutex(())

    /// Uses `directory`, creating it (mode 0700) if missing, and removes temporary files an
    /// interrupted save left there.
    public init(directory: String) throws {
        try DurableFile.createDirectory(directory)
        path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
        DurableFile.removeStaleTemporaries(of: path)
    }

    public func load() async throws -> [String: ServiceIntent] {
        try loadNow()
    }

    public func save(_ intents: [String: ServiceIntent]) async throws {
        try saveNow(intents)
    }

    /// `load()` without suspending: `[:]` when the file does not exist (first start).
    public func loadNow() throws -> [String: ServiceIntent] {
        try lock.withLock { _ throws -> [String: ServiceIntent] in
            guard FileManager.default.fileExists(atPath: path) else { return [:] }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
                return [:]
            } catch {
                throw DesiredStateFileError(path: path, problem: "cannot be read: \(error.localizedDescription)")
            }
            do {
                return try AgentJSON.decoder().decode([String: ServiceIntent].self, from: data)
            } catch {
                throw DesiredStateFileError(path: path, problem: "is corrupt (\(Self.describe(error)))")
            }
        }
    }

    /// `save(_:)` without suspending.
    public func saveNow(_ intents: [String: ServiceIntent]) throws {
        let data = try AgentJSON.encoder(pretty: true).encode(intents) + Data("\n".utf8)
        try lock.withLock { _ throws in
            try DurableFile.writeAtomically(data, to: path, mode: 0o600)
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?: return "not valid JSON: \(context.debugDescription)"
        case .keyNotFound(let key, let context)?: return "missing '\(key.stringValue)' at \(pathText(context))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "\(context.debugDescription) at \(pathText(context))"
        default: return "\(error)"
        }
    }

    private static func pathText(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map(\.stringValue)
        return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
    }
}

/// The desired-state file exists but cannot be used. The agent must not start announcing:
/// an operator has to look at the file (fix it, or move it aside to start from "announce").
public struct DesiredStateFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        "the desired-state file \(path) \(problem); refusing to guess which services are drained: fix the file or move it aside (then every service starts as announced)"
    }
}
