import AnycastCore
import AnycastDashboard

/// How the full-screen dashboard is to run.
public struct DashboardOptions: Sendable {
    /// The fleet as polled (read tokens where configured).
    public var config: FleetConfig
    /// The sites with the tokens drains and undrains are sent with (empty in monitor mode).
    public var drainSites: [SiteConfig]
    public var mode: DashboardMode
    public var operatorName: String
    public var themes: ThemeLibrary
    public var themeName: String
    /// `NO_COLOR` was set: monochrome with bold and reverse.
    public var noColor: Bool
    /// The fleet's coordination store, when the fleet config has one.
    public var coordination: DashboardCoordination?
    /// Clicks and the wheel (`--no-mouse`, `mouse = false` turn them off).
    public var mouse = true
    /// Where the operator's choices are remembered; nil with `--no-state` (nothing is read
    /// or written).
    public var settings: SettingsStore?

    public init(config: FleetConfig, drainSites: [SiteConfig], mode: DashboardMode, operatorName: String, themes: ThemeLibrary, themeName: String, noColor: Bool) {
        self.config = config
        self.drainSites = drainSites
        self.mode = mode
        self.operatorName = operatorName
        self.themes = themes
        self.themeName = themeName
        self.noColor = noColor
    }
}
