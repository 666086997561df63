@testable import AnycastCore
import Foundation
import Testing

/// A site keeps its per-second figures beside its standing: the status it shows is the one
/// an update would have made of the status held, and an update that brings only figures
/// leaves the standing a copy shares untouched.
@Suite struct SiteSnapshotTests {
    static let now = ModelRoundTripTests.now

    static func site() -> SiteSnapshot {
        var site = SiteSnapshot(config: SiteConfig(id: "ams1", name: "Amsterdam", region: "eu", url: "http://203.0.113.10:9100"))
        site.status = ModelRoundTripTests.status
        return site
    }

    /// One array of names for every update, as the poller's streams share them.
    static let rcodes: RcodeCounts = ["NOERROR": 99, "SERVFAIL": 2]

    static func update(after seconds: Double, rcodes: RcodeCounts = rcodes, source: String = "probe") -> StatusUpdate {
        let t = now.addingTimeInterval(seconds)
        return StatusUpdate(
            revision: "r1", now: t, qps: 1300 + seconds, queriesTotal: 99, rcodes: rcodes, sampledAt: t,
            latency: LatencyStatus(p50Ms: 1.5, p95Ms: 2, p99Ms: 4.25, source: source, successRatio: 0.5),
            history: [RatePoint(t: t, qps: 1300)], status: nil)
    }

    /// Each update as `StatusUpdate.applied(to:)` makes it: the clock, the traffic (no
    /// history, no rcode rates), the latency; new rcode names, more rcodes than are held
    /// inline and a new latency source included.
    @Test func figuresShowAsTheUpdatedStatus() throws {
        var site = Self.site()
        var expected: SiteStatus? = ModelRoundTripTests.status
        let many = RcodeCounts((0..<11).map { RcodeCounts.Entry(name: "R\($0 + 10)", total: UInt64($0)) })
        let updates = [
            Self.update(after: 1), Self.update(after: 2),
            Self.update(after: 3, rcodes: ["NOERROR": 100, "NXDOMAIN": 7, "SERVFAIL": 2]),
            Self.update(after: 4, source: "unbound-histogram"), Self.update(after: 5, rcodes: many),
            Self.update(after: 6, rcodes: [:], source: "none"), Self.update(after: 7, rcodes: [:], source: "a-source-of-its-own"),
            Self.update(after: 8, source: "a-source-of-its-own"), Self.update(after: 9),
        ]
        for update in updates {
            let applied = site.applyFigures(of: update)
            #expect(applied)
            expected = update.applied(to: expected)
            #expect(site.status == expected)
            #expect(site.p50Ms == 1.5 && site.p99Ms == 4.25 && site.services == expected?.services)
            let traffic = try #require(site.trafficFigures)
            #expect(traffic.qps == update.qps && traffic.queriesTotal == 99 && traffic.sampledAt == update.sampledAt)
        }
        site.status = ModelRoundTripTests.status
        #expect(site.status == ModelRoundTripTests.status, "a status set whole is shown as it is")
        #expect(site.p50Ms == 0.84 && site.p99Ms == 3.5 && site.trafficFigures?.qps == 1234.5)
    }

    @Test func aSiteIsKnownByItsStandingOrItsID() {
        let site = Self.site()
        var later = site
        _ = later.applyFigures(of: Self.update(after: 1))
        var failed = later
        failed.lastError = "HTTP 500"
        let other = SiteSnapshot(config: SiteConfig(id: "fra1", name: "Frankfurt", region: "eu", url: "http://203.0.113.11:9100"))
        #expect(later.isSameSite(as: site) && failed.isSameSite(as: site) && site.isSameSite(as: failed))
        #expect(!other.isSameSite(as: site) && !site.isSameSite(as: other))
        let fleet = FleetSnapshot(name: "f", takenAt: Self.now, sites: [site, other], regions: [], minActiveSites: 1, pollHealth: PollHealth())
        var next = fleet
        next.sites[0] = failed
        #expect(next.sameSites(as: fleet))
        next.sites.swapAt(0, 1)
        #expect(!next.sameSites(as: fleet) && !fleet.sameSites(as: next))
        next.sites.removeLast()
        #expect(!next.sameSites(as: fleet))
    }

    @Test func anUpdateOfNoStatusIsRefused() {
        var site = SiteSnapshot(config: SiteConfig(id: "ams1", name: "Amsterdam", region: "eu", url: "http://203.0.113.10:9100"))
        let applied = site.applyFigures(of: Self.update(after: 1))
        #expect(!applied)
        #expect(site.status == nil && !site.hasStatus && site.trafficFigures == nil && site.p50Ms == nil)
    }

    /// What the poller does once a second to the site its last snapshot shares.
    @Test func aSecondsFiguresLeaveTheSharedStandingAlone() {
        var site = Self.site()
        let before = site
        _ = site.applyFigures(of: Self.update(after: 1))
        #expect(site.standing.storage !== before.standing.storage, "the status's own names, equal ones, are replaced once")
        let shown = site
        _ = site.applyFigures(of: Self.update(after: 2))
        _ = site.applyFigures(of: Self.update(after: 2, source: String("probe")))
        site.reachability = shown.reachability
        site.consecutiveFailures = 0
        site.lastError = nil
        site.qps = 1302
        site.lastSuccess = Self.now
        site.lastAttempt = Self.now
        #expect(site.standing.storage === shown.standing.storage, "nothing that happened to the site, nothing copied")
        #expect(shown.status == Self.update(after: 1).applied(to: ModelRoundTripTests.status), "the copy shows its own second")
        #expect(site.status == Self.update(after: 2).applied(to: ModelRoundTripTests.status))
        #expect(shown.qps == nil && shown.lastSuccess == nil)

        site.lastError = "timed out after 800 ms"
        #expect(site.standing.storage !== shown.standing.storage, "an event is the copy's own")
        #expect(shown.lastError == nil && site.lastError == "timed out after 800 ms")
        #expect(site.standing.value.config.storage === shown.standing.value.config.storage, "the config stays shared")
    }
}
