import AnycastCore
import AnycastDashboard
import Foundation

/// Where the dashboard remembers the operator's choices for one fleet:
/// `$XDG_STATE_HOME/anycast-dash/FLEET.json`, else `~/.local/state/anycast-dash/FLEET.json`,
/// written atomically (a crash leaves the old file or the new one, never half of one).
public struct SettingsStore: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The store of `fleet`, or nil when neither `XDG_STATE_HOME` nor `HOME` says where.
    public static func forFleet(_ fleet: String, environment: [String: String]) -> SettingsStore? {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else if let home = environment["HOME"], !home.isEmpty {
            base = home + "/.local/state"
        } else {
            return nil
        }
        return SettingsStore(path: "\(base)/anycast-dash/\(fileName(fleet)).json")
    }

    /// A fleet's name as a file name: letters, digits, `.`, `-` and `_` kept, the rest `_`.
    static func fileName(_ fleet: String) -> String {
        let kept = fleet.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "-_.".unicodeScalars.contains(s))) ? Character(s) : "_"
        }
        let name = String(kept).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return name.isEmpty ? "fleet" : String(name.prefix(100))
    }

    /// The saved settings; nil with no file. A file that cannot be read or understood is
    /// ignored, and `warning` says so once: it never stops the dashboard from starting.
    public func load() -> (settings: DashboardSettings?, warning: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, nil) }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return (try JSONDecoder().decode(DashboardSettings.self, from: data), nil)
        } catch {
            return (nil, "saved settings ignored (\(path) cannot be read: \(Self.short(error)))")
        }
    }

    public func save(_ settings: DashboardSettings) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.createDirectory(DurableFile.directoryOf(path))
        try DurableFile.writeAtomically(try encoder.encode(settings), to: path, mode: 0o600)
    }

    static func short(_ error: any Error) -> String {
        if let e = error as? DecodingError {
            switch e {
            case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
                return c.debugDescription
            @unknown default: return "\(e)"
            }
        }
        return error.localizedDescription
    }
}
