import AnycastCore
import Foundation

/// One shared simulation of a whole anycast fleet: a daily traffic curve with noise per site,
/// load-dependent latency, BGP peers that flap now and then, and drains that behave the way
/// BGP does: the withdrawal takes effect after a short propagation delay, the site's query rate
/// decays to about zero within a few seconds, and its clients move to the other announced
/// sites of its region (to the whole fleet when the region has none left).
///
/// Time is explicit: `advance(to:)` steps the model, so tests drive it by hand and a seed
/// makes every run the same. `FleetSimulation` shares one model between the simulated agents.
public struct FleetModel: Sendable {
    /// Seconds between a drain or undrain and the routing change taking effect.
    public static let propagationDelay: TimeInterval = 1.5
    /// Time constant of the traffic moving after a routing change, in seconds.
    public static let trafficTimeConstant: TimeInterval = 1.0
    /// Share of its demand a de-preferred site keeps (networks with no other path).
    public static let depreferredShare = 0.04
    /// Mean seconds between flaps of one BGP session.
    public static let meanSecondsBetweenFlaps: Double = 7200

    struct PeerState {
        var profile: SimulatedPeerProfile
        var established = true
        var since: Date
        var downUntil: Date?
        var lastError: String?
    }

    struct SiteState {
        var profile: SimulatedSiteProfile
        var peers: [PeerState]
        var desired = RouteStep.announce
        /// What the simulated routing daemon does now (follows `desired` after the propagation delay).
        var routing = RouteStep.announce
        var announced: Bool { routing != .withdraw }
        var routeChangeAt: Date?
        var qps: Double = 0
        var counter: Double = 0
        var servfail: Double = 0
        var history = RateHistory()
    }

    public let profiles: [SimulatedSiteProfile]
    private var sites: [SiteState]
    private var index: [String: Int]
    private var random: SeededRandom
    private let fleetPeakQPS: Double
    public private(set) var now: Date

    /// A fleet of `profiles` that has been running for `warmUp` seconds before `start`, so
    /// that every site already has a history to draw.
    public init(profiles: [SimulatedSiteProfile], seed: UInt64, start: Date, fleetPeakQPS: Double? = nil, warmUp: TimeInterval = TimeInterval(RateHistory.defaultCapacity)) {
        self.profiles = profiles
        self.random = SeededRandom(seed: seed ^ 0xA11C_A57)
        self.fleetPeakQPS = fleetPeakQPS ?? Double(profiles.count) * 12_000
        let origin = start.addingTimeInterval(-warmUp)
        self.now = origin
        self.sites = profiles.map { p in
            SiteState(profile: p, peers: p.peers.map { PeerState(profile: $0, since: origin.addingTimeInterval(-86_400)) })
        }
        self.index = Dictionary(uniqueKeysWithValues: profiles.enumerated().map { ($1.identity.id, $0) })
        // Start every site at its steady rate, then run the warm-up.
        let targets = targetRates(at: origin)
        for i in sites.indices {
            sites[i].qps = targets[i]
            sites[i].counter = targets[i] * 3600 * (1 + random.unit())
        }
        stepUntil(start)
    }

    /// Builds a fleet of `count` catalogue sites from `seed`.
    public init(siteCount: Int, seed: UInt64, start: Date) {
        var r = SeededRandom(seed: seed)
        self.init(profiles: SimulatedSiteCatalog.sites(count: siteCount, random: &r), seed: seed, start: start)
    }

    /// Runs the model forward to `time` in steps of at most one second.
    public mutating func advance(to time: Date) { stepUntil(time) }

    private mutating func stepUntil(_ time: Date) {
        while now < time {
            let dt = min(1, time.timeIntervalSince(now))
            if dt < 0.001 { now = time; break }
            step(dt)
        }
    }

    private mutating func step(_ dt: TimeInterval) {
        now = now.addingTimeInterval(dt)
        for i in sites.indices {
            if let at = sites[i].routeChangeAt, now >= at {
                sites[i].routing = sites[i].desired
                sites[i].routeChangeAt = nil
            }
            flapPeers(site: i, dt: dt)
        }
        let targets = targetRates(at: now)
        let blend = 1 - exp(-dt / Self.trafficTimeConstant)
        for i in sites.indices {
            sites[i].qps += (targets[i] - sites[i].qps) * blend
            if sites[i].qps < 0.05 { sites[i].qps = targets[i] == 0 ? 0 : sites[i].qps }
            sites[i].counter += sites[i].qps * dt
            sites[i].servfail += sites[i].qps * dt * 0.0004
            if dt >= 0.999 || now.timeIntervalSince(sites[i].history.latest?.t ?? .distantPast) >= 0.999 {
                sites[i].history.append(RatePoint(t: now, qps: sites[i].qps))
            }
        }
    }

    private mutating func flapPeers(site i: Int, dt: TimeInterval) {
        for p in sites[i].peers.indices {
            if let until = sites[i].peers[p].downUntil {
                if now >= until {
                    sites[i].peers[p].established = true
                    sites[i].peers[p].downUntil = nil
                    sites[i].peers[p].since = now
                }
            } else if random.unit() < dt / Self.meanSecondsBetweenFlaps {
                sites[i].peers[p].established = false
                sites[i].peers[p].since = now
                sites[i].peers[p].downUntil = now.addingTimeInterval(5 + 35 * random.unit())
                sites[i].peers[p].lastError = random.unit() < 0.5 ? "Hold timer expired" : "Received: Administrative reset"
            }
        }
    }

    /// Demand of each site at `time` (daily curve, noise), moved from withdrawn sites to the
    /// announced sites of the same region, else of the whole fleet, in proportion to weight.
    private mutating func targetRates(at time: Date) -> [Double] {
        let totalWeight = profiles.reduce(0) { $0 + $1.weight }
        let perWeight = fleetPeakQPS / max(totalWeight, 0.001)
        var demand = [Double](repeating: 0, count: sites.count)
        for i in sites.indices {
            let p = sites[i].profile
            let hour = (time.timeIntervalSince1970 / 3600 + p.utcOffsetHours).truncatingRemainder(dividingBy: 24)
            let daily = 0.72 + 0.28 * cos(2 * .pi * (hour - 20) / 24)
            let noise = max(0.8, 1 + 0.025 * random.gaussian())
            demand[i] = perWeight * p.weight * daily * noise
        }
        var target = [Double](repeating: 0, count: sites.count)
        var orphaned: [String: Double] = [:]
        for i in sites.indices {
            // A de-preferred route stays as a backup: only the few networks with no other path keep it.
            let kept = switch sites[i].routing {
            case .announce: 1.0
            case .deprefer: Self.depreferredShare
            case .withdraw: 0.0
            }
            target[i] += demand[i] * kept
            orphaned[sites[i].profile.identity.region, default: 0] += demand[i] * (1 - kept)
        }
        var fleetOrphans = 0.0
        for (region, qps) in orphaned where qps > 0 {
            let receivers = sites.indices.filter { sites[$0].routing == .announce && sites[$0].profile.identity.region == region }
            if receivers.isEmpty { fleetOrphans += qps; continue }
            let w = receivers.reduce(0) { $0 + sites[$1].profile.weight }
            for r in receivers { target[r] += qps * sites[r].profile.weight / w }
        }
        if fleetOrphans > 0 {
            let receivers = sites.indices.filter { sites[$0].announced }
            let w = receivers.reduce(0) { $0 + sites[$1].profile.weight }
            for r in receivers { target[r] += fleetOrphans * sites[r].profile.weight / w }
        }
        return target
    }

    // MARK: - What the simulated backends read and change

    func site(_ id: String) throws -> SiteState {
        guard let i = index[id] else { throw BackendError(source: "simulation", message: "no simulated site \(id)") }
        return sites[i]
    }

    /// Asks the simulated routing daemon to announce, de-prefer or withdraw the site's prefixes.
    public mutating func setDesired(site id: String, _ desired: RouteStep) throws {
        guard let i = index[id] else { throw BackendError(source: "simulation", message: "no simulated site \(id)") }
        guard sites[i].desired != desired || sites[i].routeChangeAt != nil else { return }
        sites[i].desired = desired
        if sites[i].routing == desired {
            sites[i].routeChangeAt = nil
        } else {
            sites[i].routeChangeAt = now.addingTimeInterval(Self.propagationDelay)
        }
    }

    /// The peers of the site and what it exports to them.
    public func observation(site id: String, services: [ServiceDefinition]) throws -> RouteObservation {
        let s = try site(id)
        let peers = s.peers.map { p in
            PeerStatus(name: p.profile.name, address: p.profile.address, asn: p.profile.asn,
                       state: p.established ? .established : .active, since: p.since,
                       exported: p.established && s.announced ? services.reduce(0) { $0 + $1.prefixes.count } : 0,
                       lastError: p.established ? nil : p.lastError)
        }
        let established = peers.filter { $0.state.isEstablished }
        var result: [String: ServiceObservation] = [:]
        for def in services {
            let perPeer = established.map {
                PeerAnnouncement(peer: $0.name, observed: s.announced ? .announced : .withdrawn,
                                 depreferred: def.deprefer != nil && s.announced ? s.routing == .deprefer : nil)
            }
            result[def.name] = ServiceObservation(observed: perPeer.isEmpty ? .withdrawn : ServiceObservation.combine(perPeer), peers: perPeer)
        }
        return RouteObservation(peers: peers, services: result)
    }

    /// The site's query and SERVFAIL counters now.
    public func counters(site id: String) throws -> TrafficSample {
        let s = try site(id)
        let total = UInt64(s.counter)
        let servfail = UInt64(s.servfail)
        return TrafficSample(queriesTotal: total, rcodes: ["NOERROR": total - min(total, servfail), "SERVFAIL": servfail], time: now)
    }

    /// The site's answer latency: grows once the site runs above 70% of its capacity.
    public mutating func latency(site id: String) throws -> LatencyStatus {
        let s = try site(id)
        let utilisation = s.qps / s.profile.capacityQPS
        let p50 = s.profile.baseLatencyMs * (1 + 3 * max(0, utilisation - 0.7)) * (1 + 0.04 * random.gaussian())
        return LatencyStatus(p50Ms: round2(p50), p95Ms: round2(p50 * 2.3), p99Ms: round2(p50 * 4.1 + 0.3 * random.unit()), source: "simulated")
    }

    /// The site's recent one-second rates (so a fresh agent has a history at once).
    public func history(site id: String) throws -> [RatePoint] { try site(id).history.points }

    /// The site's current query rate.
    public func currentQPS(site id: String) throws -> Double { try site(id).qps }

    /// Whether the site's prefixes are announced now.
    public func isAnnounced(site id: String) throws -> Bool { try site(id).announced }

    private func round2(_ x: Double) -> Double { (max(x, 0.01) * 100).rounded() / 100 }
}
