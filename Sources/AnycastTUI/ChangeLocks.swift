import AnycastCoordination
import AnycastCore
import AnycastDashboard
import AnycastPoller
import Foundation

/// The locks of a dashboard's changes: taken in the coordination store before a change is
/// sent, kept while it is in progress, released once its sites show it done (or refused, or
/// held), after `limit`, or when the dashboard quits.
public actor ChangeLocks {
    struct Held {
        var locks: HeldSiteLocks
        var command: DrainCommand
        var since: ContinuousClock.Instant
    }

    let store: SiteLockStore
    private var held: [Held] = []
    /// The longest a lock is kept for one change (a staged drain waits for its traffic).
    let limit: Duration

    public init(store: SiteLockStore, limit: Duration = .seconds(15 * 60)) {
        self.store = store
        self.limit = limit
    }

    /// Takes the locks of `command`'s sites and keeps them; their id, for the agents. Nil when
    /// the store cannot be reached: no lock is taken, and the agents, which check the budget
    /// in the same store, decide. Throws `.held` with the holder's lock when someone holds one.
    func take(for command: DrainCommand) async throws(SiteLockStore.Refusal) -> String? {
        do {
            let taken = try await store.take(sites: command.siteIDs, holder: command.operatorName, ticket: command.ticket,
                                             action: command.kind == .drain ? .drain : .undrain, at: Date())
            held.append(Held(locks: taken, command: command, since: .now))
            return taken.id
        } catch .held(let lock) {
            throw .held(lock)
        } catch {
            return nil
        }
    }

    /// Releases the locks of changes that `fleet` shows settled. The releases go on in their
    /// own tasks: a slow store never holds up the caller (the poll loop).
    public func settle(with fleet: FleetSnapshot) {
        var still: [Held] = []
        for h in held {
            let done = ContinuousClock.now - h.since >= limit || h.command.siteIDs.allSatisfy { id in
                guard let site = fleet.sites.first(where: { $0.config.id == id }), site.reachability == .ok, let status = site.status else { return false }
                return Self.settled(h.command, status.services)
            }
            if done { Task { await h.locks.release() } } else { still.append(h) }
        }
        held = still
    }

    public func releaseAll() async {
        for h in held { await h.locks.release() }
        held = []
    }

    /// Whether the site has reached what `command` asked of its services (or will not: a held
    /// or refused withdrawal leaves the service announced and drained in name only).
    static func settled(_ command: DrainCommand, _ services: [ServiceStatus]) -> Bool {
        services.filter { command.service == nil || $0.name == command.service }.allSatisfy { s in
            switch command.kind {
            case .drain:
                s.desired != .drain || s.observed == .withdrawn || s.withdrawHeld != nil || (s.drain?.hold == true && s.depreferred == true)
            case .undrain:
                s.desired == .announce && s.observed == .announced
            }
        }
    }
}
