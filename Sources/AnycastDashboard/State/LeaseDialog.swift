import AnycastCore
import Foundation

/// The lease extension dialog (`e`): how much longer the drains of some sites should last.
public struct LeaseDialog: Sendable, Hashable {
    public var siteIDs: [String]
    public var service: String?
    /// The time to add, as typed (`1h`).
    public var duration = ""
    /// The smallest of the agents' `max_lease`, in seconds.
    public var maxLease: TimeInterval?
    /// A problem with what was typed.
    public var error: String?

    public init(siteIDs: [String], service: String?, maxLease: TimeInterval?) {
        self.siteIDs = siteIDs
        self.service = service
        self.maxLease = maxLease
    }

    /// The seconds to add, or what to show when they cannot be sent. `leaseEnds` are the
    /// current ends of the drains extended (nil: a drain without a lease): with `max_lease`,
    /// the latest new end may be at most that far from `now`, as the agent checks.
    public func seconds(leaseEnds: [Date?], now: Date) -> Result<Int, LeaseProblem> {
        let text = duration.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .failure(LeaseProblem(message: "type how much longer the drain should last, e.g. 1h")) }
        guard let seconds = (try? LeaseDuration.seconds(text)) else { return .failure(LeaseProblem(message: "\"\(text)\": \(LeaseDuration.example)")) }
        if let max = maxLease, let end = Self.newEnd(leaseEnds, adding: seconds, now: now), end.timeIntervalSince(now) > max {
            return .failure(LeaseProblem(message: "the lease would end in \(NumberFormat.span(end.timeIntervalSince(now), roundUp: true)), longer than the agent's max_lease of \(NumberFormat.span(max))"))
        }
        return .success(seconds)
    }

    /// The latest end once `seconds` are added to each lease (from now for those without one,
    /// or already ended).
    public static func newEnd(_ leaseEnds: [Date?], adding seconds: Int, now: Date) -> Date? {
        leaseEnds.map { max($0 ?? now, now).addingTimeInterval(Double(seconds)) }.max()
    }

    /// Why the extension cannot be sent.
    public struct LeaseProblem: Error, Sendable, Hashable {
        public var message: String
    }
}
