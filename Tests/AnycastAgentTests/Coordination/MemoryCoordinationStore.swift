import AnycastCoordination
import AnycastCore
import Foundation
import Synchronization

/// The coordination store's rules in memory, for tests on a test clock: one shared `Cluster`
/// (revisions, the budget, every site's record) and one handle per site. A conditional write
/// commits only if no key read has changed and no record was created since, as the etcd
/// transaction does, under one lock, so agents racing in one process race for real.
final class MemoryCoordinationCluster: Sendable {
    struct Entry { var record: SiteRecord; var modRevision: Int64; var createRevision: Int64 }
    struct State {
        var revision: Int64 = 1
        var budget: (DrainBudget, Int64)?
        var records: [String: Entry] = [:]
        var reachable = true
        var writes = 0
        var locks: [SiteLock] = []
    }
    let state = Mutex(State())

    var reachable: Bool {
        get { state.withLock { $0.reachable } }
        set { state.withLock { $0.reachable = newValue } }
    }

    func publish(budget: DrainBudget) {
        state.withLock { s in s.revision += 1; s.budget = (budget, s.revision) }
    }

    /// The site's record is gone, as when its agent died and the lease ran out.
    func expire(_ site: String) {
        state.withLock { s in s.revision += 1; s.records[site] = nil }
    }

    /// An operator's lock, as a dashboard takes it.
    func lock(_ lock: SiteLock) { state.withLock { $0.locks.append(lock) } }

    func record(_ site: String) -> SiteRecord? { state.withLock { $0.records[site]?.record } }

    func handle(site: String) -> MemoryCoordinationStore { MemoryCoordinationStore(cluster: self, site: site) }
}

struct StoreUnreachable: Error, CustomStringConvertible {
    var description: String { "no member answered (test: the store is cut off)" }
}

struct MemoryCoordinationStore: CoordinationStore {
    let cluster: MemoryCoordinationCluster
    let site: String
    var budgetLocation: String { "memory:budget" }

    func read() async throws -> CoordinationView {
        try cluster.state.withLock { s in
            guard s.reachable else { throw StoreUnreachable() }
            var versions = Dictionary(uniqueKeysWithValues: s.records.map { ("sites/\($0.key)", $0.value.modRevision) })
            if let b = s.budget { versions["budget"] = b.1 }
            var view = CoordinationView(records: s.records.values.map(\.record).sorted { $0.site < $1.site }, budget: s.budget?.0,
                                        revision: s.revision, versions: versions)
            view.locks = s.locks
            return view
        }
    }

    func write(_ record: SiteRecord, ifUnchangedSince view: CoordinationView) async throws -> Bool {
        try cluster.state.withLock { s in
            guard s.reachable else { throw StoreUnreachable() }
            for (key, revision) in view.versions {
                let now = key == "budget" ? s.budget?.1 : s.records[String(key.dropFirst("sites/".count))]?.modRevision
                if now != revision { return false }
            }
            if s.records.values.contains(where: { $0.createRevision > view.revision }) { return false }
            if view.versions["sites/\(site)"] == nil, s.records[site] != nil { return false }
            s.revision += 1
            s.writes += 1
            s.records[site] = .init(record: record, modRevision: s.revision, createRevision: s.records[site]?.createRevision ?? s.revision)
            return true
        }
    }

    func publish(_ record: SiteRecord) async throws {
        try cluster.state.withLock { s in
            guard s.reachable else { throw StoreUnreachable() }
            s.revision += 1
            s.writes += 1
            s.records[site] = .init(record: record, modRevision: s.revision, createRevision: s.records[site]?.createRevision ?? s.revision)
        }
    }

    func keepAlive() async throws -> Bool {
        try cluster.state.withLock { s in
            guard s.reachable else { throw StoreUnreachable() }
            return s.records[site] != nil
        }
    }

    func resign() async { cluster.expire(site) }
}
