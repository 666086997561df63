/// The disruption budget: how many sites of the fleet, and of each region, must stay announced.
/// A drain that would leave fewer is refused unless an operator explicitly overrides it.
public struct DrainBudget: Sendable, Hashable {
    /// Sites of the whole fleet that must stay announced.
    public var minActiveSites: Int
    /// Sites per region that must stay announced.
    public var regionMinimums: [String: Int]
    /// Sites of the fleet that may be in transition at once (nil: no limit). Enforced where the
    /// budget is kept in the coordination store, which knows every site's changes.
    public var maxConcurrentChanges: Int?
    /// The same per region.
    public var regionMaxConcurrentChanges: [String: Int]

    public init(minActiveSites: Int, regionMinimums: [String: Int], maxConcurrentChanges: Int? = nil,
                regionMaxConcurrentChanges: [String: Int] = [:]) {
        self.minActiveSites = minActiveSites
        self.regionMinimums = regionMinimums
        self.maxConcurrentChanges = maxConcurrentChanges
        self.regionMaxConcurrentChanges = regionMaxConcurrentChanges
    }

    /// The budget of a fleet config.
    public init(config: FleetConfig) {
        self.init(minActiveSites: config.minActiveSites,
                  regionMinimums: Dictionary(uniqueKeysWithValues: config.regions.map { ($0.name, $0.minActive) }),
                  maxConcurrentChanges: config.maxConcurrentChanges,
                  regionMaxConcurrentChanges: Dictionary(uniqueKeysWithValues: config.regions.compactMap { r in
                      r.maxConcurrentChanges.map { (r.name, $0) } }))
    }

    /// Checks draining the sites `draining` (as one set) against the fleet as it is now.
    ///
    /// Only sites known to announce count as active: a site whose agent is unreachable, stale
    /// or not yet polled is not counted, because the dashboard cannot vouch for it.
    public func check(_ sites: [BudgetSite], draining: Set<String>) -> BudgetVerdict {
        let activeNow = sites.filter(\.isActive)
        let activeAfter = activeNow.filter { !draining.contains($0.id) }
        var lines: [BudgetLine] = [BudgetLine(
            scope: "fleet", minimum: minActiveSites, activeNow: activeNow.count, activeAfter: activeAfter.count)]
        let regions = Set(sites.filter { draining.contains($0.id) }.map(\.region)).sorted()
        for region in regions {
            lines.append(BudgetLine(
                scope: "region \(region)", minimum: regionMinimums[region] ?? 0,
                activeNow: activeNow.count(where: { $0.region == region }),
                activeAfter: activeAfter.count(where: { $0.region == region })))
        }
        return BudgetVerdict(lines: lines)
    }
}

/// What the budget needs to know of a site.
public struct BudgetSite: Sendable, Hashable {
    public var id: String
    public var region: String
    /// The site is known to announce its services now.
    public var isActive: Bool

    public init(id: String, region: String, isActive: Bool) {
        self.id = id
        self.region = region
        self.isActive = isActive
    }

    /// A site from the dashboard's snapshot: active when its agent answers and it announces.
    public init(_ snapshot: SiteSnapshot) {
        let active: Bool = switch snapshot.condition {
        case .active, .partial: true
        default: false
        }
        self.init(id: snapshot.config.id, region: snapshot.config.region, isActive: active)
    }
}

/// One budget rule applied to a drain: the minimum, and active sites before and after.
public struct BudgetLine: Sendable, Hashable {
    /// `fleet` or `region eu`.
    public var scope: String
    public var minimum: Int
    public var activeNow: Int
    public var activeAfter: Int

    public init(scope: String, minimum: Int, activeNow: Int, activeAfter: Int) {
        self.scope = scope
        self.minimum = minimum
        self.activeNow = activeNow
        self.activeAfter = activeAfter
    }

    public var isViolated: Bool { activeAfter < minimum }

    /// `fleet: 5 → 4 active, minimum 2` for people.
    public var description: String {
        "\(scope): \(activeNow) → \(activeAfter) active, minimum \(minimum)\(isViolated ? " — VIOLATED" : "")"
    }
}

/// The outcome of a budget check.
public struct BudgetVerdict: Sendable, Hashable {
    public var lines: [BudgetLine]
    /// Why the fleet's budget cannot be checked where it is kept (the coordination store is
    /// lost): a drain then needs the same override as one the budget refuses.
    public var unchecked: String?

    public init(lines: [BudgetLine], unchecked: String? = nil) {
        self.lines = lines
        self.unchecked = unchecked
    }

    /// The rules the drain would break.
    public var violations: [BudgetLine] { lines.filter(\.isViolated) }
    /// Whether the drain fits the budget, and the budget could be checked.
    public var allowed: Bool { violations.isEmpty && unchecked == nil }
    /// What an override overrides, for the log: the broken rules, or why nothing could be checked.
    public var overridden: String {
        (violations.map(\.description) + [unchecked].compactMap { $0 }).joined(separator: "; ")
    }
}
