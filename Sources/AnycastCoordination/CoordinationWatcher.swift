import AnycastCore
import Foundation

/// What a dashboard reads of the fleet's coordination store, once per call: every member's own
/// status (up, leader, round trip), the members' names, and the keys under the fleet's prefix
/// (site records, locks, the budget).
public struct CoordinationWatcher: Sendable {
    let client: EtcdClient
    public let keys: CoordinationKeys

    public init(client: EtcdClient, prefix: String) {
        self.client = client
        self.keys = CoordinationKeys(prefix: prefix)
    }

    /// One member's answer to its status call.
    struct MemberAnswer: Sendable {
        var index: Int
        var status: EtcdClient.MemberStatus?
        var error: String?
        var took: Duration
    }

    /// One look at the cluster; never throws: what failed is in the answer.
    public func read(at time: @Sendable () -> Date = Date.init) async -> FleetCoordination {
        let client = self.client
        async let statuses = Self.statuses(client)
        async let names = try? client.memberNames()
        let listed: (keys: [EtcdKeyValue], revision: Int64)?
        var listError: String?
        do { listed = try await client.list(prefix: keys.prefix + "/") } catch {
            listed = nil
            listError = error.description
        }
        let answers = await statuses
        let memberNames = await names
        // The leader is whom the members that answered name; they agree outside an election.
        var leaderVotes: [Int64: Int] = [:]
        for a in answers { if let id = a.status?.leaderID, id != 0 { leaderVotes[id, default: 0] += 1 } }
        let leader = leaderVotes.max { $0.value < $1.value }?.key
        var view = FleetCoordination(members: answers.map { a in
            let endpoint = client.endpoints[a.index]
            guard let s = a.status else { return .init(endpoint: endpoint, up: false, isLeader: false, latency: nil, error: a.error) }
            return .init(endpoint: endpoint, name: memberNames?[s.memberID], up: true, isLeader: s.memberID == leader, latency: a.took, error: nil)
        })
        if let listed {
            let read = EtcdCoordinationStore.view(of: listed.keys, revision: listed.revision, keys: keys)
            view.records = read.records
            view.locks = read.locks
            view.budget = read.budget
            view.readAt = time()
            if !read.unreadable.isEmpty { view.error = "cannot read \(read.unreadable.joined(separator: "; "))" }
        } else {
            view.error = listError
        }
        return view
    }

    /// Every member's own status, asked at once.
    static func statuses(_ client: EtcdClient) async -> [MemberAnswer] {
        await withTaskGroup(of: MemberAnswer.self) { group in
            for (index, endpoint) in client.endpoints.enumerated() {
                group.addTask {
                    let start = ContinuousClock.now
                    do {
                        let status = try await client.status(of: endpoint)
                        return MemberAnswer(index: index, status: status, error: nil, took: start.duration(to: .now))
                    } catch {
                        return MemberAnswer(index: index, status: nil, error: "\(error)", took: start.duration(to: .now))
                    }
                }
            }
            var out: [MemberAnswer] = []
            for await answer in group { out.append(answer) }
            return out.sorted { $0.index < $1.index }
        }
    }
}
