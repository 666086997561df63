import AnycastCoordination
import AnycastCore
import AnycastDashboard
import AnycastPoller
import Foundation

/// The locks a dashboard holds for its changes in progress: each is released once its sites
/// show the change done (or refused, or held), or after `limit`, or when the dashboard quits.
actor ChangeLocks {
    struct Held {
        var locks: HeldSiteLocks
        var command: DrainCommand
        var since: ContinuousClock.Instant
    }

    private var held: [Held] = []
    /// The longest a lock is kept for one change (a staged drain waits for its traffic).
    let limit: Duration

    init(limit: Duration = .seconds(15 * 60)) { self.limit = limit }

    func keep(_ locks: HeldSiteLocks, for command: DrainCommand) {
        held.append(Held(locks: locks, command: command, since: .now))
    }

    /// Releases the locks of changes that `fleet` shows settled.
    func settle(with fleet: FleetSnapshot) async {
        var still: [Held] = []
        for h in held {
            let done = ContinuousClock.now - h.since >= limit || h.command.siteIDs.allSatisfy { id in
                guard let site = fleet.sites.first(where: { $0.config.id == id }), site.reachability == .ok, let status = site.status else { return false }
                return Self.settled(h.command, status)
            }
            if done { await h.locks.release() } else { still.append(h) }
        }
        held = still
    }

    func releaseAll() async {
        for h in held { await h.locks.release() }
        held = []
    }

    /// Whether the site has reached what `command` asked of its services (or will not: a held
    /// or refused withdrawal leaves the service announced and drained in name only).
    static func settled(_ command: DrainCommand, _ status: SiteStatus) -> Bool {
        let services = status.services.filter { command.service == nil || $0.name == command.service }
        return services.allSatisfy { s in
            switch command.kind {
            case .drain:
                s.desired != .drain || s.observed == .withdrawn || s.withdrawHeld != nil || (s.drain?.hold == true && s.depreferred == true)
            case .undrain:
                s.desired == .announce && s.observed == .announced
            }
        }
    }
}
