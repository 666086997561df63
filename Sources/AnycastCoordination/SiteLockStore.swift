import AnycastCore
import Foundation

/// Operators' locks on sites in the coordination store. A dashboard or the CLI takes a site's
/// lock before it changes the site and keeps it while the change is in progress; the lock lives
/// under its own etcd lease, so a dashboard that dies releases it when the lease ends.
public struct SiteLockStore: Sendable {
    let client: EtcdClient
    public let keys: CoordinationKeys
    /// The lease's TTL in seconds: how long a lock outlives its holder.
    let ttl: Int

    public init(client: EtcdClient, prefix: String, ttl: Duration) {
        self.client = client
        self.keys = CoordinationKeys(prefix: prefix)
        self.ttl = max(Int(ttl.components.seconds), 2)
    }

    /// Why a lock was not taken.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Someone else holds it.
        case held(SiteLock)
        /// The store could not be asked.
        case unreachable(String)

        public var description: String {
            switch self {
            case .held(let lock): "\(lock.site) is locked by \(lock.line)"
            case .unreachable(let why): "the site's lock cannot be taken: \(why)"
            }
        }
    }

    /// Takes the lock of every site of `sites`, all or none: a site already locked releases the
    /// ones taken and refuses with the holder's line.
    public func take(
        sites: [String], holder: String, ticket: String?, action: SiteLock.Action, at time: Date,
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws(Refusal) -> HeldSiteLocks {
        let lease: Int64
        do { lease = try await client.grantLease(ttl: ttl) } catch { throw .unreachable(error.description) }
        let client = self.client
        var taken: [SiteLock] = []
        let id = UUID().uuidString.lowercased()
        let who = "\(ProcessInfo.processInfo.hostName) pid \(ProcessInfo.processInfo.processIdentifier)"
        for site in sites {
            let lock = SiteLock(site: site, id: id, holder: holder, ticket: ticket, action: action, since: time, client: who)
            let key = keys.lock(site)
            do {
                let text = try EtcdCoordinationStore.encode(lock)
                let result = try await client.transaction([.modRevision(key: key, equals: 0)],
                                                          success: [.put(key: key, value: text, lease: lease)],
                                                          failure: [.range(prefix: key)])
                if result.succeeded {
                    taken.append(lock)
                    continue
                }
                try? await client.revoke(lease)
                let holderLock = result.ranges.first?.first.flatMap { try? AgentJSON.decoder().decode(SiteLock.self, from: $0.value) }
                throw Refusal.held(holderLock ?? SiteLock(site: site, id: "", holder: "someone", ticket: nil, action: .drain, since: time, client: nil))
            } catch let refusal as Refusal {
                throw refusal
            } catch {
                try? await client.revoke(lease)
                throw .unreachable("\(error)")
            }
        }
        return HeldSiteLocks(client: client, lease: lease, locks: taken, ttl: ttl, clock: clock)
    }

    /// Every lock now held.
    public func all() async throws -> [SiteLock] {
        let (kvs, _) = try await client.list(prefix: keys.locks)
        return kvs.compactMap { try? AgentJSON.decoder().decode(SiteLock.self, from: $0.value) }
    }
}

/// Locks taken together, kept alive until released (or until the process dies and the lease
/// ends by itself).
public final class HeldSiteLocks: Sendable {
    public let locks: [SiteLock]
    /// The id the agent compares with the lock in the store.
    public var id: String { locks.first?.id ?? "" }
    let client: EtcdClient
    let lease: Int64
    private let renewal: Task<Void, Never>

    init(client: EtcdClient, lease: Int64, locks: [SiteLock], ttl: Int, clock: any Clock<Duration>) {
        self.client = client
        self.lease = lease
        self.locks = locks
        // Renewed at a third of the TTL, so one missed renewal does not lose the lock.
        renewal = Task {
            while !Task.isCancelled {
                do { try await clock.sleep(for: .seconds(max(ttl / 3, 1))) } catch { return }
                if let left = try? await client.keepAlive(lease), left <= 0 { return }
            }
        }
    }

    /// Stops renewing without releasing: the locks end with their lease, as when the holder
    /// is killed.
    public func stopRenewing() { renewal.cancel() }

    /// Ends the locks now.
    public func release() async {
        renewal.cancel()
        try? await client.revoke(lease)
    }

    deinit { renewal.cancel() }
}
