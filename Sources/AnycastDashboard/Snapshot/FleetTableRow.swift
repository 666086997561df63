import AnycastCore
import Foundation

/// One site's line of the fleet table: its cells in `FleetTableColumn.all` order, and the note
/// printed under it (why it is drained, or what went wrong).
struct FleetTableRow: Sendable {
    var cells: [String]
    var note: String

    /// `lock`: an operator's change of the site in progress, noted first.
    init(_ s: FleetReport.Site, lock: SiteLock? = nil, now: Date = Date()) {
        cells = [
            s.id, s.name, s.region, s.status.badge, NumberFormat.compactRate(s.qps), NumberFormat.percent(s.share),
            s.peersTotal == 0 ? "-" : "\(s.peersEstablished)/\(s.peersTotal)",
            NumberFormat.milliseconds(s.latency?.p50Ms), NumberFormat.milliseconds(s.latency?.p99Ms),
            NumberFormat.age(s.dataAgeSeconds),
        ].map(Self.printable)
        if let lock {
            note = CoordinationText.lock(lock)
        } else if s.reachability != .ok, let record = s.record {
            note = (s.error.map { $0 + "; " } ?? "") + CoordinationText.record(record, now: now)
        } else if let drain = s.services.compactMap(\.drain).first {
            note = Self.drainNote(drain)
        } else if let held = s.services.compactMap(\.withdrawHeld).first {
            note = "withdrawal held (\(held.requester)): \(held.reason)"
        } else if let error = s.error {
            note = error
        } else if let e = s.backendErrors.first {
            note = "\(e.source): \(e.message)"
        } else {
            note = ""
        }
        note = Self.printable(note)
    }

    /// `drained by alice [CHG-1, lease until 2026-12-02T16:30:00.000Z]: reason`, or
    /// `de-preferred (held) by alice: reason` at a staged drain's first step.
    static func drainNote(_ drain: DrainRecord) -> String {
        let who = switch (drain.mode, drain.currentStage) {
        case (.auto, _): "auto-withdrawn"
        case (.operator, .deprefer): "de-preferred\(drain.hold == true ? " (held)" : "") by \(drain.operator)"
        case (.operator, .withdraw): "drained by \(drain.operator)"
        }
        let tags = [drain.ticket, drain.leaseUntil.map { "lease until \(ISO8601Time.format($0))" }].compactMap { $0 }
        return "\(who)\(tags.isEmpty ? "" : " [\(tags.joined(separator: ", "))]"): \(drain.reason)"
    }

    /// `text` with control characters (newlines, tabs, escapes from a config or an agent's
    /// error) as spaces: they would break the lines or reach the terminal as commands.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
