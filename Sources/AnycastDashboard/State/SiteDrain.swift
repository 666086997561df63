import AnycastCore
import Foundation

/// The drain a site's badge and notes describe: one service's drain record. A site with several
/// drained services shows the one at the de-prefer step first (it is the one still moving),
/// else the first.
public struct SiteDrain: Sendable, Hashable {
    public var service: ServiceStatus
    public var record: DrainRecord

    /// The drain to describe for `site` (of `service` only, when named); nil when nothing is drained.
    public init?(_ site: SiteSnapshot, service name: String? = nil) {
        guard let services = site.status?.services else { return nil }
        var first: (ServiceStatus, DrainRecord)?
        for s in services where name == nil || s.name == name {
            guard let d = s.drain else { continue }
            if s.step == .deprefer {
                first = (s, d)
                break
            }
            if first == nil { first = (s, d) }
        }
        guard let (s, d) = first else { return nil }
        service = s
        record = d
    }

    /// The route is still announced, made less preferred, while the traffic leaves.
    public var atDeprefer: Bool { service.step == .deprefer }

    /// The operator asked to stay at the de-prefer step.
    public var held: Bool { atDeprefer && record.hold == true }

    /// The site's rate now as a share of its rate when the drain began.
    public func trafficLeft(_ site: SiteSnapshot) -> Double? {
        guard let base = record.baselineQps, base > 0, let qps = site.qps else { return nil }
        return max(0, qps / base)
    }

    /// How long the drain has been at its step.
    public func timeInStep(now: Date) -> TimeInterval {
        max(0, now.timeIntervalSince(record.stageSince ?? record.since))
    }

    /// Whether `site` has a service at the de-prefer step (of `service` only, when named).
    public static func isDepreferred(_ site: SiteSnapshot, service: String? = nil) -> Bool {
        isDepreferred(services: site.status?.services, service: service)
    }

    /// Whether one of a site's `services` is at the de-prefer step (`service` only, when named).
    public static func isDepreferred(services: [ServiceStatus]?, service: String? = nil) -> Bool {
        services?.contains { ($0.name == service || service == nil) && $0.step == .deprefer } ?? false
    }

    /// Whether `site` has a service drained by an operator (of `service` only, when named):
    /// only those have a lease to extend.
    public static func hasOperatorDrain(_ site: SiteSnapshot, service: String? = nil) -> Bool {
        site.status?.services.contains { ($0.name == service || service == nil) && $0.desired == .drain && $0.drain?.mode == .operator } ?? false
    }
}
