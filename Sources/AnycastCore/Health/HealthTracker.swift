import Foundation

/// The rise/fall state machine of one health check, as anycast-healthchecker and ExaBGP's
/// healthcheck have it: `rise` consecutive good checks make it up, `fall` consecutive failed
/// checks make it down; anything in between keeps the current state. It starts `unknown`.
public struct HealthTracker: Sendable, Hashable {
    public let name: String
    public let rise: Int
    public let fall: Int
    public private(set) var state: HealthState = .unknown
    /// When the current state began.
    public private(set) var since: Date?
    /// The last check's result in words ("ok in 0.8 ms", "no answer within 500 ms").
    public private(set) var detail = "no check yet"
    private var goodInARow = 0
    private var badInARow = 0

    public init(name: String, rise: Int = 3, fall: Int = 3) {
        self.name = name
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }

    /// Counts one check; returns the new state when this check changed it.
    @discardableResult
    public mutating func record(ok: Bool, detail: String, at time: Date) -> HealthState? {
        self.detail = detail
        if ok {
            goodInARow += 1
            badInARow = 0
            if state != .up, goodInARow >= rise { return change(to: .up, at: time) }
        } else {
            badInARow += 1
            goodInARow = 0
            if state != .down, badInARow >= fall { return change(to: .down, at: time) }
        }
        return nil
    }

    private mutating func change(to new: HealthState, at time: Date) -> HealthState {
        state = new
        since = time
        return new
    }

    /// The check as the status shows it.
    public var status: HealthCheckStatus {
        HealthCheckStatus(name: name, state: state, detail: detail, since: since)
    }
}
