import AnycastCoordination
import AnycastCore

/// The fleet's coordination store as the dashboard uses it: read every `interval` for the
/// header, the site records and the locks; and a site's lock taken before each change.
public struct DashboardCoordination: Sendable {
    public var watcher: CoordinationWatcher
    public var locks: SiteLockStore
    public var interval: Duration

    public init(watcher: CoordinationWatcher, locks: SiteLockStore, interval: Duration = .seconds(2)) {
        self.watcher = watcher
        self.locks = locks
        self.interval = interval
    }
}
