import AnycastCore
import Foundation

/// The coordination store in etcd: one key per site record under an etcd lease the agent keeps
/// alive, the budget as one key, and conditional writes as transactions that compare what was read.
public actor EtcdCoordinationStore: CoordinationStore {
    let client: EtcdClient
    public nonisolated let keys: CoordinationKeys
    public nonisolated var budgetLocation: String { keys.budget }
    let site: String
    let leaseTTL: Int
    private var lease: Int64?
    /// The revision this store last wrote the site's record at (0: absent), so a write only
    /// replaces what this store wrote: a write that etcd applies late (sent while it had no
    /// quorum) then fails instead of undoing a later claim.
    private var ownRevision: Int64?

    /// The store of `site`'s agent; its record lives `leaseTTL` seconds past the last renewal.
    public init(client: EtcdClient, prefix: String, site: String, leaseTTL: Int) {
        self.client = client
        self.keys = CoordinationKeys(prefix: prefix)
        self.site = site
        self.leaseTTL = leaseTTL
    }

    public func read() async throws -> CoordinationView {
        let (kvs, revision) = try await client.list(prefix: keys.prefix + "/")
        return Self.view(of: kvs, revision: revision, keys: keys)
    }

    /// The view of the keys under a fleet's prefix.
    public static func view(of kvs: [EtcdKeyValue], revision: Int64, keys: CoordinationKeys) -> CoordinationView {
        var view = CoordinationView(records: [], budget: nil, revision: revision)
        let decoder = AgentJSON.decoder()
        for kv in kvs {
            if kv.key == keys.budget {
                view.versions[kv.key] = kv.modRevision
                do { view.budget = try decoder.decode(DrainBudget.self, from: kv.value) } catch {
                    view.unreadable.append("\(kv.key): \(error)")
                }
            } else if kv.key.hasPrefix(keys.sites) {
                view.versions[kv.key] = kv.modRevision
                do { view.records.append(try decoder.decode(SiteRecord.self, from: kv.value)) } catch {
                    view.unreadable.append("\(kv.key): \(error)")
                }
            } else if kv.key.hasPrefix(keys.locks) {
                // Locks are not compared by a conditional write: taking one does not change the budget.
                do { view.locks.append(try decoder.decode(SiteLock.self, from: kv.value)) } catch {
                    view.unreadable.append("\(kv.key): \(error)")
                }
            }
        }
        return view
    }

    public func write(_ record: SiteRecord, ifUnchangedSince view: CoordinationView) async throws -> Bool {
        let own = keys.site(site)
        let text = try Self.encode(record)
        var compare = view.versions.map { EtcdCompare.modRevision(key: $0.key, equals: $0.value) }
        if view.versions[own] == nil { compare.append(.modRevision(key: own, equals: 0)) }
        if view.versions[keys.budget] == nil { compare.append(.modRevision(key: keys.budget, equals: 0)) }
        compare.append(.noneCreatedAfter(prefix: keys.sites, revision: view.revision))
        let result = try await withLease { lease throws(EtcdError) in
            try await client.transaction(compare, success: [.put(key: own, value: text, lease: lease)])
        }
        if result.succeeded { ownRevision = result.revision }
        return result.succeeded
    }

    public func publish(_ record: SiteRecord) async throws {
        let text = try Self.encode(record)
        let key = keys.site(site)
        for _ in 0..<2 {
            let expected = try await knownRevision()
            let result = try await withLease { lease throws(EtcdError) in
                try await client.transaction([.modRevision(key: key, equals: expected)], success: [.put(key: key, value: text, lease: lease)])
            }
            if result.succeeded {
                ownRevision = result.revision
                return
            }
            ownRevision = nil  // changed behind this store's back (a late write, an expiry): read it again
        }
        throw EtcdError.rejected(code: 409, message: "the site's record kept changing while it was written")
    }

    /// The revision of the site's record as this store knows it, read when it does not.
    private func knownRevision() async throws(EtcdError) -> Int64 {
        if let ownRevision { return ownRevision }
        let revision = try await client.get(keys.site(site))?.modRevision ?? 0
        ownRevision = revision
        return revision
    }

    public func keepAlive() async throws -> Bool {
        guard let lease else { return false }
        let ttl = try await client.keepAlive(lease)
        if ttl <= 0 {
            self.lease = nil
            ownRevision = nil
        }
        return ttl > 0
    }

    public func resign() async {
        guard let lease else { return }
        try? await client.revoke(lease)
        self.lease = nil
    }

    /// Runs `body` with the record's lease; a lease that ended while the agent could not renew
    /// it is replaced once (the record is then written under the new one).
    private func withLease<T>(_ body: (Int64) async throws(EtcdError) -> T) async throws(EtcdError) -> T {
        do {
            return try await body(try await currentLease())
        } catch .rejected(_, let message) where message.contains("lease not found") {
            lease = nil
            return try await body(try await currentLease())
        }
    }

    private func currentLease() async throws(EtcdError) -> Int64 {
        if let lease { return lease }
        let granted = try await client.grantLease(ttl: leaseTTL)
        lease = granted
        return granted
    }

    /// A value as the store keeps it: the agent API's JSON.
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try AgentJSON.encoder().encode(value), as: UTF8.self)
    }
}
