import AnycastCore
import Clocks
import Foundation

/// What a site's agent knows of its standing with the fleet's coordination store.
struct CoordinationState: Sendable {
    /// Reached with a budget, lost, or reached without a budget; nil before the first call.
    var state: CoordinationStatus.State?
    var detail: String?
    var since: Date?
    /// Withdrawals the budget (or the store's loss) holds back, by service.
    var held: [String: HeldWithdrawal] = [:]
    /// When each service's route change began, until the routing daemon has reached it.
    var changing: [String: Date] = [:]
    /// Keys of records the last read could not decode (they count as absent).
    var unreadable: [String] = []
    /// The record as last written, and when.
    var published: SiteRecord?
    var publishedAt: AnyClock<Duration>.Instant?
    var renewedAt: AnyClock<Duration>.Instant?
}

/// One writer of the site's record at a time. The agent is an actor, but it gives way at every
/// call to the store: without this a coordination round's write of the record as it was could
/// land after a withdrawal's conditional write and undo its claim in the budget.
struct StoreTurn: Sendable {
    var busy = false
    var waiting: [CheckedContinuation<Void, Never>] = []
}

/// Whether a change that takes services out of the fleet may go ahead.
enum CoordinationAdmission: Sendable {
    /// It has its place in the budget; `note` says what was unusual (an override, a local decision).
    case admitted(note: String?)
    /// The budget refuses it, with who holds the budget.
    case refused(String)
    /// The budget cannot be checked (the store is lost, or has no budget).
    case unknown(String)
    /// Another operator's change of the site is in progress: the lock's line.
    case locked(String)
}
