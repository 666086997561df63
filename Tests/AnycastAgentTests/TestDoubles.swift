import AnycastAgent
import AnycastCore
import Clocks
import Foundation
import Synchronization

/// A routing daemon stand-in for API tests: announces what it is told, and can be made to fail.
final class FakeRouteController: RouteController {
    struct State {
        var steps: [String: RouteStep] = [:]
        var failing: String?
        var applied: [(String, RouteStep)] = []
    }
    let state = Mutex(State())

    func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        try state.withLock { s in
            if let why = s.failing { throw BackendError(source: "routes", message: why) }
            var result: [String: ServiceObservation] = [:]
            for d in services {
                let step = s.steps[d.name] ?? .announce
                let peers = [PeerAnnouncement(peer: "up1", observed: step == .withdraw ? .withdrawn : .announced,
                                              depreferred: d.deprefer != nil && step != .withdraw ? step == .deprefer : nil)]
                result[d.name] = ServiceObservation(observed: ServiceObservation.combine(peers), peers: peers)
            }
            let exported = services.filter { (s.steps[$0.name] ?? .announce) != .withdraw }.reduce(0) { $0 + $1.prefixes.count }
            return RouteObservation(
                peers: [PeerStatus(name: "up1", address: "198.51.100.1", asn: 64496, state: .established, exported: exported)],
                services: result)
        }
    }

    func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
        try state.withLock { s in
            if let why = s.failing { throw BackendError(source: "routes", message: why) }
            s.steps[service.name] = step
            s.applied.append((service.name, step))
        }
    }

    func step(of service: String) -> RouteStep { state.withLock { $0.steps[service] ?? .announce } }

    func fail(_ why: String?) { state.withLock { $0.failing = why } }
    var appliedCount: Int { state.withLock { $0.applied.count } }
}

/// A traffic source whose counter the test sets by hand.
final class ManualTrafficSource: TrafficSource {
    struct State {
        var total: UInt64 = 0
        var time = Date(timeIntervalSince1970: 1_800_000_000)
        var failing: String?
    }
    let state = Mutex(State())

    func sample() async throws -> TrafficSample {
        try state.withLock { s in
            if let why = s.failing { throw BackendError(source: "traffic", message: why) }
            return TrafficSample(queriesTotal: s.total, time: s.time)
        }
    }

    func advance(seconds: Double, queries: UInt64) {
        state.withLock { $0.time = $0.time.addingTimeInterval(seconds); $0.total += queries }
    }
    func restart() { state.withLock { $0.total = 0; $0.time = $0.time.addingTimeInterval(1) } }
    func fail(_ why: String?) { state.withLock { $0.failing = why } }
}

/// A desired-state store that can be made to fail.
final class FailingStore: DesiredStateStore {
    func load() async throws -> [String: ServiceIntent] { [:] }
    func save(_ intents: [String: ServiceIntent]) async throws { throw BackendError(source: "state", message: "disk full") }
}

enum TestAgent {
    static let services = [
        ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"]),
        ServiceDefinition(name: "ntp", prefixes: ["192.0.2.0/24"], originProtocols: ["ntp4"]),
    ]
    static let tokens = [
        AgentToken(name: "noc-read", scope: .read, value: "read-secret"),
        AgentToken(name: "noc-operate", scope: .operate, value: "operate-secret"),
    ]

    static func make(
        routes: FakeRouteController = FakeRouteController(), traffic: ManualTrafficSource = ManualTrafficSource(),
        store: any DesiredStateStore = InMemoryDesiredStateStore()
    ) async -> SiteAgent {
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"), services: services,
            backends: .init(routes: routes, traffic: traffic, store: store))
        configuration.backendTimeout = .seconds(1)
        let agent = SiteAgent(configuration)
        await agent.start()
        return agent
    }
}

/// A test's time: a `TestClock` the test moves by hand, and the wall-clock date that moves with it.
final class TestTime: Sendable {
    let clock = TestClock<Duration>()
    let origin = Date(timeIntervalSince1970: 1_800_000_000)

    /// The date now.
    var read: @Sendable () -> Date {
        { [clock, origin] in origin.addingTimeInterval(TestClock<Duration>.Instant().duration(to: clock.now).inSeconds) }
    }

    func advance(_ seconds: Double) async {
        await clock.advance(by: .milliseconds(Int64(seconds * 1000)))
    }
}
