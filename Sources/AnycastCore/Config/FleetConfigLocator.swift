/// Finds the fleet config: `--fleet`, then `$ANYCAST_FLEET`, then
/// `$XDG_CONFIG_HOME/anycast-dash/fleet.toml` (or `~/.config/...`).
public enum FleetConfigLocator {
    /// The path to use, or `nil` when none is given and the XDG file does not exist.
    public static func locate(
        explicit: String?, environment: [String: String], fileExists: (String) -> Bool
    ) -> String? {
        if let explicit { return explicit }
        if let env = environment["ANYCAST_FLEET"], !env.isEmpty { return env }
        let configHome: String
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            configHome = xdg
        } else if let home = environment["HOME"], !home.isEmpty {
            configHome = home + "/.config"
        } else {
            return nil
        }
        let candidate = configHome + "/anycast-dash/fleet.toml"
        return fileExists(candidate) ? candidate : nil
    }
}
