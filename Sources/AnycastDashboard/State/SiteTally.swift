import AnycastCore
import Foundation

/// What one site adds to the fleet's figures apart from its rate and latency: read from its
/// status and services, which change far less often than once a second.
struct SiteTally: Sendable {
    var condition: SiteCondition
    /// Draining, at the de-prefer step.
    var depreferred: Bool
    /// Where the site's region is in the summary's list of regions.
    var region: Int
    /// The agent has sent a status (its latency and services count only then).
    var reported: Bool
    /// When the operators' drain leases of its services end.
    var leaseEnds: [Date] = []
    /// Its services whose withdrawal the fleet's budget holds.
    var withdrawalsHeld = 0
    /// Its agent has lost the fleet's coordination store.
    var coordinationLost = false
}
