import AnycastSimulation
import AnycastCore
import Foundation
import Testing

@Suite struct FleetModelTests {
    let start = Date(timeIntervalSince1970: 1_795_780_000)

    func rates(_ model: FleetModel) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: model.profiles.map { ($0.identity.id, try! model.currentQPS(site: $0.identity.id)) })
    }

    @Test func sameSeedSameFleet() {
        var a = FleetModel(siteCount: 12, seed: 7, start: start)
        var b = FleetModel(siteCount: 12, seed: 7, start: start)
        a.advance(to: start.addingTimeInterval(30))
        b.advance(to: start.addingTimeInterval(30))
        #expect(rates(a) == rates(b))
        let c = FleetModel(siteCount: 12, seed: 8, start: start)
        #expect(rates(c) != rates(a))
    }

    @Test func catalogueHasRealisticIdsInManyRegions() {
        var r = SeededRandom(seed: 1)
        let six = SimulatedSiteCatalog.sites(count: 6, random: &r)
        #expect(Set(six.map(\.identity.region)).count >= 3)
        #expect(six.map(\.identity.id) == ["ams1", "iad1", "nrt1", "fra1", "ord1", "sin1"])
        let many = SimulatedSiteCatalog.sites(count: 1000, random: &r)
        #expect(Set(many.map(\.identity.id)).count == 1000, "ids are unique")
        #expect(many.allSatisfy { (2...4).contains($0.peers.count) })
        #expect(many.allSatisfy { $0.peers.allSatisfy { $0.address.hasPrefix("198.51.100.") && (64496...64511).contains($0.asn) } },
                "documentation addresses and ASNs only")
    }

    @Test func historyIsWarmAtStart() throws {
        let model = FleetModel(siteCount: 6, seed: 1, start: start)
        let h = try model.history(site: "ams1")
        #expect(h.count >= 300)
        #expect(h.allSatisfy { $0.qps > 0 })
        #expect(h.last!.t <= start)
    }

    @Test func drainMovesTrafficToTheRegion() throws {
        var model = FleetModel(siteCount: 12, seed: 3, start: start)
        let before = rates(model)
        try model.setDesired(site: "ams1", .withdraw)
        // BGP takes a moment: still announced right after the request.
        model.advance(to: start.addingTimeInterval(0.5))
        #expect(try model.isAnnounced(site: "ams1"))
        let dns = [ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"])]
        #expect(try model.observation(site: "ams1", services: dns).services["dns"]?.observed == .announced)
        model.advance(to: start.addingTimeInterval(10))
        #expect(try !model.isAnnounced(site: "ams1"))
        let obs = try model.observation(site: "ams1", services: dns)
        #expect(obs.services["dns"]?.observed == .withdrawn)
        #expect(obs.peers.allSatisfy { $0.exported == 0 })
        let after = rates(model)
        #expect(after["ams1"]! < 0.05 * before["ams1"]!, "drained site's rate decays to about zero")
        let euGain = ["fra1", "lhr1"].reduce(0.0) { $0 + after[$1]! - before[$1]! }
        #expect(euGain > 0.8 * before["ams1"]!, "the region's other sites take its traffic")
        for other in ["fra1", "lhr1"] { #expect(after[other]! > before[other]! * 1.1) }
        for far in ["iad1", "nrt1", "ord1"] {
            #expect(abs(after[far]! - before[far]!) < 0.15 * before[far]!, "\(far) outside the region is not affected")
        }
        try model.setDesired(site: "ams1", .announce)
        model.advance(to: start.addingTimeInterval(20))
        #expect(rates(model)["ams1"]! > 0.8 * before["ams1"]!, "undrain brings the traffic back")
    }

    @Test func drainingAWholeRegionSpreadsOverTheFleet() throws {
        var model = FleetModel(siteCount: 12, seed: 3, start: start)
        let total = rates(model).values.reduce(0, +)
        for id in ["jnb1"] where model.profiles.contains(where: { $0.identity.id == id }) {
            try model.setDesired(site: id, .withdraw)
        }
        model.advance(to: start.addingTimeInterval(15))
        let after = rates(model)
        #expect(after["jnb1"]! < 1)
        let newTotal = after.values.reduce(0, +)
        #expect(abs(newTotal - total) < 0.1 * total, "no traffic lost while other sites are announced")
    }

    @Test func countersAreMonotonic() throws {
        var model = FleetModel(siteCount: 3, seed: 1, start: start)
        var last: UInt64 = 0
        for s in 1...20 {
            model.advance(to: start.addingTimeInterval(Double(s)))
            let c = try model.counters(site: "ams1").queriesTotal
            #expect(c > last)
            last = c
        }
    }
}
