/// What a cell means, not what colour it is: themes map roles to colours, views never name a colour.
public enum StyleRole: String, Sendable, Hashable, CaseIterable, Codable {
    case background
    case text
    case muted
    case border
    case title
    case accent
    case header
    case ok
    case warn
    case critical
    case drained
    case unreachable
    case selection
    case sparkline
    case liveBadge = "live_badge"
    case monitorBadge = "monitor_badge"
    case dialog
    case dialogBorder = "dialog_border"
    case input
    case mark
}
