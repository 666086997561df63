import AnycastCore
import AnycastDashboard
import Testing

/// The list's default order, by region then id, is read from the order keys, not sorted
/// each cycle: it is the order a sort gives.
@Suite struct SiteOrderingTests {
    @Test func theRegionOrderIsRegionThenIDWithAFilterAndTurnedRound() {
        var sites = FixtureFleet.snapshot(sites: 40, variety: true).sites
        sites.reverse()
        let expected = sites.indices.sorted {
            (sites[$0].config.region, sites[$0].config.id) < (sites[$1].config.region, sites[$1].config.id)
        }
        let keys = SiteOrderKeys(sites)
        #expect(SiteOrdering.order(sites, sort: .region, filter: SiteFilter("")) == expected)
        #expect(SiteOrdering.order(sites, sort: .region, filter: SiteFilter(""), keys: keys) == expected)
        #expect(SiteOrdering.order(sites, sort: .region, filter: SiteFilter(""), reversed: true, keys: keys) == expected.reversed())
        let filter = SiteFilter("eu")
        let kept = expected.filter { filter.matches(sites[$0]) }
        #expect(!kept.isEmpty && kept.count < sites.count)
        #expect(SiteOrdering.order(sites, sort: .region, filter: filter, keys: keys) == kept)
    }
}
