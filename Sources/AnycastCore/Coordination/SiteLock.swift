import Foundation

/// A change of one site that an operator has in progress, kept in the coordination store under
/// a lease the operator's dashboard or CLI keeps alive: while it exists no other operator's
/// change of the site goes ahead, and a dashboard that dies releases it when the lease ends.
public struct SiteLock: Codable, Sendable, Hashable {
    /// What the holder is doing to the site.
    public enum Action: String, Codable, Sendable, Hashable, CaseIterable {
        case drain, undrain, extend

        /// "draining", as the lock's line says it.
        public var progressive: String {
            switch self {
            case .drain: "draining"
            case .undrain: "undraining"
            case .extend: "extending the lease"
            }
        }
    }

    public var site: String
    /// A random id, sent with the holder's requests so the agent can tell them from others'.
    public var id: String
    /// The operator.
    public var holder: String
    public var ticket: String?
    public var action: Action
    public var since: Date
    /// The host and process that hold it, for whoever has to find it.
    public var client: String?

    public init(site: String, id: String, holder: String, ticket: String?, action: Action, since: Date, client: String?) {
        self.site = site
        self.id = id
        self.holder = holder
        self.ticket = ticket
        self.action = action
        self.since = since
        self.client = client
    }

    /// "alice: CHG-1, draining since 12:03 UTC": in UTC, as every time the dashboard shows, so
    /// operators in different places read the same line.
    public var line: String {
        "\(holder): \(ticket.map { "\($0), " } ?? "")\(action.progressive) since \(timeOfDay) UTC"
    }

    /// "12:03": when it was taken, in UTC.
    public var timeOfDay: String {
        let t = Int(since.timeIntervalSince1970.rounded(.down))
        let s = ((t % 86_400) + 86_400) % 86_400
        return String(format: "%02d:%02d", s / 3600, s / 60 % 60)
    }
}
