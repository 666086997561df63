import AnycastCore
import Foundation

/// One line of the dashboard's event log: what polling saw change, or what an operator did.
public struct DashboardLogEntry: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable { case info, warning, critical, action }

    public var time: Date
    public var siteID: String?
    public var level: Level
    public var message: String

    public init(time: Date, siteID: String?, level: Level, message: String) {
        self.time = time
        self.siteID = siteID
        self.level = level
        self.message = message
    }

    /// The entries the event log shows: newest first, only those matching `filter` (`/`) by
    /// site or words.
    public static func shown(_ log: ChunkedRing<DashboardLogEntry>, filter: String) -> [DashboardLogEntry] {
        let all = log.reversed()
        let needle = filter.lowercased()
        guard !needle.isEmpty else { return Array(all) }
        return all.filter { ($0.siteID ?? "fleet").lowercased().contains(needle) || $0.message.lowercased().contains(needle) }
    }
}
