import AnycastAgent
import AnycastCore
import Foundation

/// Writes the fleet config `anycast-agent simulate --fleet-out` hands to the dashboard. It holds
/// the fleet's tokens (the operate one too), so the file is created readable by its owner only
/// (0600) rather than narrowed after being written, and it replaces an older file atomically.
public enum FleetConfigFile {
    /// The mode of the written file.
    public static let mode: mode_t = 0o600

    public static func write(_ config: FleetConfig, to path: String) throws {
        try DurableFile.writeAtomically(Data(FleetConfigWriter.toml(config).utf8), to: path, mode: mode)
    }
}
