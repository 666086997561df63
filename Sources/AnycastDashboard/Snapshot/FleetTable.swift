import AnycastCore
import Foundation

/// The aligned text table that `anycast-dash snapshot` prints for people.
public enum FleetTable {
    public static func render(_ snapshot: FleetSnapshot) -> String {
        let report = FleetReport(snapshot)
        var rows: [[String]] = [["SITE", "NAME", "REGION", "STATUS", "QPS", "SHARE", "PEERS", "P50ms", "P99ms", "AGE", "NOTE"]]
        let sorted = report.sites.sorted { ($0.region, $0.id) < ($1.region, $1.id) }
        for s in sorted {
            var note = s.error ?? ""
            if let drain = s.services.compactMap(\.drain).first {
                note = "\(drain.mode == .auto ? "auto-withdrawn" : "drained by \(drain.operator)"): \(drain.reason)"
            } else if note.isEmpty, let e = s.backendErrors.first {
                note = "\(e.source): \(e.message)"
            }
            rows.append([
                s.id, s.name, s.region, s.status.badge, NumberFormat.compactRate(s.qps), NumberFormat.percent(s.share),
                s.peersTotal == 0 ? "-" : "\(s.peersEstablished)/\(s.peersTotal)",
                NumberFormat.milliseconds(s.latency?.p50Ms), NumberFormat.milliseconds(s.latency?.p99Ms),
                NumberFormat.age(s.dataAgeSeconds), note,
            ])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        let numeric: Set<Int> = [4, 5, 6, 7, 8, 9]
        var lines: [String] = []
        let counts = SiteCondition.allCases.compactMap { c in report.summary.byStatus[c.rawValue].map { "\(c.rawValue) \($0)" } }
        lines.append("fleet \(report.fleet): \(report.summary.sites) sites in \(report.summary.regions.count) regions, "
                     + counts.joined(separator: ", ") + ", total \(NumberFormat.compactRate(report.summary.totalQPS)) qps")
        for row in rows {
            let cells = row.enumerated().map { c, text -> String in
                if c == row.count - 1 { return text }
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return numeric.contains(c) ? pad + text : text + pad
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
