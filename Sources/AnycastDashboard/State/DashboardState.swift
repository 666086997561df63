import AnycastCore
import Foundation

/// Everything the dashboard shows. Views are pure functions of it; only `DashboardUpdate`
/// changes it.
public struct DashboardState: Sendable {
    public var fleetName: String
    public var mode: DashboardMode
    public var operatorName: String
    public var budget: DrainBudget
    /// The newest poll result.
    public var fleet: FleetSnapshot? {
        didSet {
            if let fleet { summary.update(to: fleet, from: oldValue) } else { summary = FleetSummary() }
            refreshVisibleSites()
        }
    }
    public var now: Date
    public var width: Int
    public var height: Int

    public var screen: Screen = .fleet
    /// The list screen to go back to from detail or events.
    public var listScreen: Screen = .fleet
    public var selectedSiteID: String?
    public var sort: SortKey = .region { didSet { refreshVisibleSites() } }
    /// The sort turned round from its natural direction (`S`, `:sort KEY asc|desc`, a second
    /// click on the header).
    public var sortReversed = false { didSet { refreshVisibleSites() } }
    /// The order the sites had when `f` froze it, while frozen: rows stop moving as rates do.
    public var frozenOrder: [String]? { didSet { refreshVisibleSites() } }
    public var filter = "" {
        didSet {
            siteFilter = SiteFilter(filter)
            refreshVisibleSites()
        }
    }
    /// `filter` read into its terms, once per change: the ordering and every frame's
    /// highlighting use it.
    public private(set) var siteFilter = SiteFilter("")
    /// The table view's columns, in order (`:columns`).
    public var columns: [TableColumn] = TableColumn.standard
    /// The `:` command line while it is open.
    public var prompt: CommandPrompt?
    /// Commands run, oldest first (Up and Down in the command line).
    public var commandHistory: [String] = []
    public var editingFilter = false
    public var marks: Set<String> = []
    public var dialog: DrainDialog?
    /// The lease extension dialog (`e`).
    public var leaseDialog: LeaseDialog?
    public var showHelp = false { didSet { helpScroll = 0 } }
    /// Lines the help is scrolled by.
    public var helpScroll = 0
    /// A text shown whole (Enter on an event or a drain's note).
    public var reader: TextReader?
    public var status: StatusMessage?
    public var themeNames: [String]
    public var themeName: String
    /// Why colours are off (`NO_COLOR`, a monochrome terminal), so themes change nothing;
    /// `nil` when they apply.
    public var colorsOff: String?

    /// Actions this dashboard sent, by site id, followed until verified.
    public var pending: [String: PendingAction] = [:]
    /// The fleet-wide timeline, oldest first.
    public var log = ChunkedRing<DashboardLogEntry>(capacity: 2000)
    /// Recent agent events per site (detail view).
    public var agentEvents: [String: [AgentEvent]] = [:]
    /// The fleet's coordination store as last read (nil: the fleet has none, or not read yet).
    public var coordination: FleetCoordination?
    /// Selected service in the detail view.
    public var detailServiceIndex = 0
    /// Lines scrolled in the events view (0 = newest at the top).
    public var eventsScroll = 0

    /// How long a drain has to show its effect on the traffic.
    public var verifyDeadline: TimeInterval = 60
    /// A drain is verified when the rate falls below this fraction of the rate before it.
    public var verifyFraction = 0.10
    /// An undrain is verified when the site takes at least this fraction of the mean rate of its
    /// region's other active sites. Anycast shares are uneven (ECMP hashing, peering), so this
    /// asks only that the traffic came back, not that the site got a fair share.
    public var undrainFraction = 0.05

    public init(
        fleetName: String, mode: DashboardMode, operatorName: String, budget: DrainBudget,
        now: Date, width: Int, height: Int, themeNames: [String] = ["default"], themeName: String = "default"
    ) {
        self.fleetName = fleetName
        self.mode = mode
        self.operatorName = operatorName
        self.budget = budget
        self.now = now
        self.width = width
        self.height = height
        self.themeNames = themeNames
        self.themeName = themeName
    }

    /// Sites after filtering and sorting, as the fleet and table views list them. Kept up to
    /// date whenever the fleet, the sort or the filter changes, so frames only read it.
    public private(set) var visibleSites = VisibleSites()
    /// Fleet-wide counts and totals of the current snapshot.
    public private(set) var summary = FleetSummary()

    /// The order keys of the fleet's sites, read again only when the sites are others.
    private var orderKeys: SiteOrderKeys?

    private mutating func refreshVisibleSites() {
        guard let fleet else {
            visibleSites = VisibleSites()
            return
        }
        if orderKeys?.fit(fleet.sites) != true { orderKeys = SiteOrderKeys(fleet.sites) }
        visibleSites = VisibleSites(all: fleet.sites, order: SiteOrdering.order(
            fleet.sites, sort: sort, filter: siteFilter, reversed: sortReversed, frozen: frozenOrder, keys: orderKeys))
    }

    /// The selected site's snapshot.
    public var selectedSite: SiteSnapshot? {
        guard let id = selectedSiteID else { return nil }
        return fleet?.sites.first { $0.config.id == id }
    }
}
