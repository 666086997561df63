import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// What the dashboard shows of the coordination store it reads itself: the members' health in
/// the header, an operator's lock on a site, and the record of a site whose agent does not
/// answer, in the views, the snapshot table and its JSON.
@Suite struct CoordinationStoreViewTests {
    static let now = FixtureFleet.now

    static func store(up: Int = 3, lockSite: String = "ams1") -> FleetCoordination {
        let members = (1...3).map { i in
            FleetCoordination.Member(endpoint: "http://198.51.100.\(240 + i):2379", name: "e\(i)", up: i <= up, isLeader: i == 1 && up >= 2,
                                     latency: i <= up ? .microseconds(3400 + 100 * i) : nil, error: i <= up ? nil : "etcd unreachable: connection refused")
        }
        let record = SiteRecord(site: "ord1", region: "na", agentVersion: "1.0", updatedAt: now.addingTimeInterval(-12),
                                services: [ServiceRecord(name: "dns", step: .announce, observed: .announced)])
        let lock = SiteLock(site: lockSite, id: "x", holder: "alice", ticket: "CHG-1", action: .drain,
                            since: Date(timeIntervalSince1970: 1_764_676_980), client: "noc1 pid 4242")
        return FleetCoordination(members: members, records: up >= 2 ? [record] : [], locks: up >= 2 ? [lock] : [],
                                 readAt: up >= 2 ? now : nil, error: up >= 2 ? nil : "etcd unreachable: no quorum")
    }

    static func state(width: Int, height: Int, store: FleetCoordination? = store()) -> DashboardState {
        var s = FixtureFleet.state(width: width, height: height, snapshot: FixtureFleet.snapshot())
        if let store { _ = DashboardUpdate.update(&s, .coordination(store)) }
        return s
    }

    /// The long form where there is room, the member count where there is less, and at 80
    /// columns only the clock, as for the poll health (a healthy store needs no room there).
    @Test(arguments: [(80, 24, nil), (120, 40, "etcd 3/3 │ poll"), (200, 50, "etcd 3/3 · leader e1 · 3.70 ms │ poll")])
    func theHeaderShowsTheMembersTheLeaderAndTheLatency(width: Int, height: Int, words: String?) {
        let header = String(DashboardView.render(Self.state(width: width, height: height)).text.split(separator: "\n")[0])
        if let words { #expect(header.contains(words), "\(header)") } else { #expect(!header.contains("etcd"), "\(header)") }
    }

    @Test(arguments: [80, 120, 200])
    func withoutQuorumTheHeaderSaysSoInTheCriticalColourAtEveryWidth(width: Int) {
        let grid = DashboardView.render(Self.state(width: width, height: 30, store: Self.store(up: 1)))
        let header = String(grid.text.split(separator: "\n")[0])
        #expect(header.contains("etcd 1/3") && header.contains("no quorum"), "\(header)")
        let x = DisplayWidthProbe.column(of: "etcd 1/3", in: header)
        #expect(grid[x, 0].role == .critical)
    }

    @Test func withoutCoordinationTheHeaderIsAsBefore() {
        let header = String(DashboardView.render(Self.state(width: 200, height: 50, store: nil)).text.split(separator: "\n")[0])
        #expect(!header.contains("etcd"))
    }

    @Test func aLockedSiteShowsWhoWhyAndSinceWhenInItsPanelTheTableAndTheDetail() {
        var s = Self.state(width: 200, height: 50)
        let fleet = DashboardView.render(s).text
        #expect(fleet.contains("LOCKED alice: CHG-1 since 12:03"), "the panel's short form: \(fleet)")
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        #expect(DashboardView.render(s).text.contains("LOCKED alice: CHG-1, draining since 12:03 UTC"))
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        #expect(DashboardView.render(s).text.contains("LOCKED alice: CHG-1, draining since 12:03 UTC (noc1 pid 4242)"))
    }

    @Test func anUnreachableSiteShowsItsLastRecordInTheStoreWithItsAge() {
        var s = Self.state(width: 200, height: 50)
        #expect(DashboardView.render(s).text.contains("etcd record 12s old: dns announced"))
        s.selectedSiteID = "ord1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        #expect(DashboardView.render(s).text.contains("etcd record 12s old: dns announced"))
    }

    /// Drains ams1 through the dialog up to its confirmation; the effects of the last Enter.
    static func drainAms1(_ s: inout DashboardState) -> [DashboardEffect] {
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        for c in "maintenance" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        _ = DashboardUpdate.update(&s, .key(.enter))
        for c in "ams1" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        return DashboardUpdate.update(&s, .key(.enter))
    }

    @Test func withoutQuorumADrainNeedsTheBudgetOverrideAndTheLogSaysWhy() throws {
        var s = Self.state(width: 200, height: 50, store: Self.store(up: 1))
        #expect(Self.drainAms1(&s).isEmpty, "the typed site id alone sends nothing")
        #expect(s.dialog?.step == .override)
        #expect(s.dialog?.verdict.unchecked?.contains("etcd has no quorum (1 of 3 members answer)") == true)
        #expect(DashboardView.render(s).text.contains("THE BUDGET CANNOT BE CHECKED. Type override"))
        for c in "override" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        let effects = DashboardUpdate.update(&s, .key(.enter))
        guard case .perform(let command)? = effects.first else { Issue.record("no drain sent"); return }
        #expect(command.budgetOverride, "the agent is told it is overridden")
        #expect(s.log.contains { $0.level == .critical && $0.message.contains("BUDGET OVERRIDE by") && $0.message.contains("no quorum") })
    }

    @Test func anAgentThatLostTheStoreMakesItsDrainNeedTheOverrideToo() throws {
        var fleet = FixtureFleet.snapshot()
        let i = try #require(fleet.sites.firstIndex { $0.config.id == "ams1" })
        fleet.sites[i].status!.coordination = CoordinationStatus(state: .lost, rule: "hold", detail: "cannot reach etcd",
                                                                 since: Self.now, endpoints: ["http://198.51.100.241:2379"])
        var s = FixtureFleet.state(width: 200, height: 50, snapshot: fleet)
        _ = DashboardUpdate.update(&s, .coordination(Self.store()))
        #expect(Self.drainAms1(&s).isEmpty)
        #expect(s.dialog?.verdict.unchecked == "the fleet's budget cannot be checked: the agent of ams1 (lost) cannot use etcd")
    }

    @Test func withTheStoreHealthyADrainWithinTheBudgetGoesStraightOut() {
        var s = Self.state(width: 200, height: 50)
        guard case .perform(let command)? = Self.drainAms1(&s).first else { Issue.record("no drain sent"); return }
        #expect(!command.budgetOverride)
    }

    @Test func snapshotsAtThreeWidths() {
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            SnapshotAssertion.check(DashboardView.render(Self.state(width: w, height: h)).text, named: "coordination-store-\(w)x\(h)")
        }
    }

    @Test func theSnapshotJSONHasTheStoreTheLocksAndTheRecords() throws {
        let report = FleetReport(FixtureFleet.snapshot(), coordination: Self.store())
        let json = String(decoding: try AgentJSON.encoder().encode(report), as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let store = try #require(object["coordination"] as? [String: Any])
        #expect(store["members_up"] as? Int == 3 && store["quorum"] as? Bool == true && store["leader"] as? String == "e1")
        let budget = try #require(object["budget"] as? [String: Any])
        let locks = try #require(budget["locks"] as? [[String: Any]])
        #expect(locks.count == 1 && locks[0]["holder"] as? String == "alice" && locks[0]["ticket"] as? String == "CHG-1")
        let sites = try #require(object["sites"] as? [[String: Any]])
        let ord1 = try #require(sites.first { $0["id"] as? String == "ord1" })
        #expect((ord1["record"] as? [String: Any])?["site"] as? String == "ord1")
        #expect(ord1["record_age_s"] as? Double == 12)
        let table = FleetTable.render(FixtureFleet.snapshot(), coordination: Self.store(), width: 120)
        #expect(table.contains("etcd 3/3 · leader e1"), "\(table)")
        #expect(table.contains("LOCKED alice: CHG-1, draining since 12:03 UTC"))
        #expect(table.contains("connection refused; etcd record 12s old: dns announced"))
    }
}

/// Where text starts in a line of cells, in columns.
enum DisplayWidthProbe {
    static func column(of needle: String, in line: String) -> Int {
        guard let r = line.range(of: needle) else { return 0 }
        return line[..<r.lowerBound].count
    }
}
