@testable import AnycastCore
import Foundation
import Testing

/// A shared value is one object for every copy until a copy is changed; changing one never
/// shows in another.
@Suite struct SharedValueTests {
    @Test func copiesShareOneObjectUntilOneIsChanged() {
        var a = SharedValue(["x", "y"])
        let b = a
        #expect(a.storage === b.storage, "a copy is the same object")
        a.value.append("z")
        #expect(a.value == ["x", "y", "z"] && b.value == ["x", "y"], "the change is the copy's own")
        #expect(a.storage !== b.storage)
        // An identifier, not a reference: holding the object would make it shared. A copy
        // would be made while the old object lives, so at another address.
        let before = ObjectIdentifier(a.storage)
        a.value.append("w")
        #expect(ObjectIdentifier(a.storage) == before, "a value held once is changed in place")
    }

    @Test func equalityAndHashingGoByValue() {
        let a = SharedValue([1, 2, 3])
        let b = SharedValue([1, 2, 3])
        #expect(a.storage !== b.storage)
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != SharedValue([1, 2]))
    }

    @Test func aStatusCopyIsChangedAlone() {
        let original = ModelRoundTripTests.status
        var copy = original
        #expect(copy.slow.storage === original.slow.storage, "the slow-changing part is shared")
        copy.traffic.qps = 1
        copy.agent.now = Date(timeIntervalSince1970: 0)
        #expect(copy.slow.storage === original.slow.storage, "figures and the agent's clock change outside it")
        copy.services[0].desired = .announce
        copy.peers.removeAll()
        copy.coordination = CoordinationStatus(state: .ok, rule: "etcd", since: Date(timeIntervalSince1970: 0), endpoints: [])
        #expect(original == ModelRoundTripTests.status, "the original is untouched")
        #expect(original.services[0].desired == .drain && original.peers.count == 2 && original.coordination == nil)
        #expect(copy.services[0].desired == .announce && copy.peers.isEmpty && copy.coordination?.rule == "etcd")
        #expect(copy != original)
    }

    @Test func aSnapshotCopySharesItsConfigUntilItIsChanged() {
        let site = SiteSnapshot(config: SiteConfig(id: "ams1", name: "Amsterdam", region: "eu", url: "https://agent.ams1.example:9100"))
        var copy = site
        #expect(copy.standing.storage === site.standing.storage)
        copy.config.capacityQPS = 5000
        #expect(site.config.capacityQPS == nil && copy.config.capacityQPS == 5000 && copy.config.url == site.config.url)
        #expect(copy.standing.storage !== site.standing.storage)
    }

    @Test func anUpdatesStatusIsHeldByReferenceAndChangedAlone() throws {
        var update = StatusUpdate(revision: "r1", now: Date(timeIntervalSince1970: 0), qps: 1, queriesTotal: nil, rcodes: [:],
                                  sampledAt: nil, latency: .none, history: [], status: nil)
        #expect(update.status == nil && update.heldStatus == nil)
        update.status = ModelRoundTripTests.status
        let copy = update
        #expect(copy.heldStatus?.storage === update.heldStatus?.storage)
        update.status?.peers.removeAll()
        #expect(update.status?.peers.isEmpty == true && copy.status == ModelRoundTripTests.status, "the copy keeps its status")
        update.status = nil
        #expect(update.status == nil && copy.status != nil && update != copy)
    }

    /// The status is written with the same keys and values as before it kept a shared part:
    /// each key's value is what the field alone encodes to.
    @Test func aStatusEncodesItsFieldsUnderTheirKeys() throws {
        let status = ModelRoundTripTests.status
        let encoder = AgentJSON.encoder()
        let object = try #require(JSONSerialization.jsonObject(with: encoder.encode(status)) as? [String: Any])
        #expect(Set(object.keys) == ["site", "agent", "services", "peers", "traffic", "latency", "health", "errors"],
                "no coordination key without one")
        func same<T: Encodable>(_ key: String, _ value: T) throws {
            let alone = try JSONSerialization.jsonObject(with: encoder.encode([key: value]), options: [.fragmentsAllowed]) as? [String: Any]
            #expect((object[key] as? NSObject) == (alone?[key] as? NSObject), "\(key)")
        }
        try same("site", status.site)
        try same("agent", status.agent)
        try same("services", status.services)
        try same("peers", status.peers)
        try same("traffic", status.traffic)
        try same("latency", status.latency)
        try same("health", status.health)
        try same("errors", status.errors)
        var coordinated = status
        coordinated.coordination = CoordinationStatus(state: .ok, rule: "etcd", since: Date(timeIntervalSince1970: 0), endpoints: [])
        let withCoordination = try #require(JSONSerialization.jsonObject(with: encoder.encode(coordinated)) as? [String: Any])
        #expect(withCoordination["coordination"] != nil)
    }
}
