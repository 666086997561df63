import AnycastCore
import Foundation

/// Everything that can happen to the dashboard. Input never draws: it becomes an event, the
/// update function changes the state, and the view is drawn from the state.
public enum DashboardEvent: Sendable {
    case key(KeyPress)
    /// A poll cycle finished.
    case fleet(FleetSnapshot)
    /// The clock moved (once a second): ages and deadlines.
    case tick(Date)
    case resized(width: Int, height: Int)
    /// The agents answered a drain or undrain.
    case actionCompleted(DrainOutcome)
    /// The agents answered a lease extension.
    case extendCompleted(LeaseExtensionOutcome)
    /// A site's agent events arrived (for the detail view).
    case agentEvents(siteID: String, events: [AgentEvent])
    /// The fleet's coordination store was read: its members, site records and locks.
    case coordination(FleetCoordination)
    /// Something outside the dashboard went wrong that the operator should know (settings
    /// that could not be saved).
    case warning(String)
}

/// What the update function asks the outside world to do.
public enum DashboardEffect: Sendable, Hashable {
    case quit
    /// Poll every site now (ignoring back-off).
    case pollNow
    /// Send a drain or undrain to the agents.
    case perform(DrainCommand)
    /// Send a lease extension to the agents.
    case extend(LeaseExtension)
    /// Switch the terminal's colours to this theme.
    case applyTheme(String)
    /// Fetch a site's recent agent events.
    case fetchEvents(siteID: String)
    /// Remember the operator's choices (theme, view, sort, filter, columns) for next time.
    case saveSettings(DashboardSettings)
}
