#if !FUZZ_SOURCES_COMPILED_IN
import AnycastCore
#endif
import Foundation

/// `show neighbor extensive`: each neighbor's session state, AS numbers and families. (The
/// summary lists Established neighbors only; ExaBGP has no JSON for either.)
enum ExaBGPNeighborParser {
    struct Session: Sendable, Hashable {
        var status: PeerStatus
        var localAS: UInt32?
        var families: Set<IPFamily>
    }

    /// The neighbors by address order. `up for H:MM:SS` dates an Established session from `now`.
    static func sessions(from text: String, now: Date) -> [Session] {
        var sessions: [Session] = []
        var current: Session?
        var section = ""
        func finish() { if let c = current { sessions.append(c) } }
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let words = raw.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            if first == "Neighbor", words.count == 2 {
                finish()
                current = Session(status: PeerStatus(name: words[1], address: words[1], asn: 0, state: .down, since: nil, exported: 0), localAS: nil, families: [])
                section = ""
                continue
            }
            guard current != nil else { continue }
            if !raw.hasPrefix("   ") {  // a section heading: Session, Setup, Families, ...
                section = first
                continue
            }
            switch (section, first) {
            case ("Session", "state") where words.count >= 2:
                current!.status.state = state(words[1])
            case ("Session", "up") where words.count >= 3 && words[1] == "for":
                current!.status.since = duration(words[2...].joined(separator: " ")).map { now.addingTimeInterval(-$0) }
            case ("Setup", "AS") where words.count >= 3:
                current!.localAS = UInt32(words[1])
                current!.status.asn = UInt32(words[2]) ?? 0
            case ("Families", "ipv4") where words.count >= 3 && words[1] == "unicast:" && words[2] == "enabled":
                current!.families.insert(.ipv4)
            case ("Families", "ipv6") where words.count >= 3 && words[1] == "unicast:" && words[2] == "enabled":
                current!.families.insert(.ipv6)
            default:
                break
            }
        }
        finish()
        for i in sessions.indices where sessions[i].status.state != .established { sessions[i].status.since = nil }
        return sessions.sorted { $0.status.address < $1.status.address }
    }

    /// ExaBGP's upper-case FSM names.
    static func state(_ word: String) -> BGPSessionState {
        switch word {
        case "ESTABLISHED": .established
        case "IDLE": .idle
        case "CONNECT": .connect
        case "ACTIVE": .active
        case "OPENSENT": .openSent
        case "OPENCONFIRM": .openConfirm
        default: .down
        }
    }

    /// Python's `timedelta` as text, `[D day[s], ]H:MM:SS[.ffffff]`, in seconds; nil for
    /// anything else. Summed as Doubles: a garbled answer can carry more hours than an Int holds
    /// seconds.
    static func duration(_ text: String) -> Double? {
        var days = 0.0
        var clock = Substring(text)
        if let comma = text.firstIndex(of: ",") {
            let head = text[..<comma].split(separator: " ")
            guard head.count == 2, head[1] == "day" || head[1] == "days", let d = UInt(head[0]) else { return nil }
            days = Double(d)
            clock = text[text.index(after: comma)...].drop { $0 == " " }
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = UInt(parts[0]), let m = UInt(parts[1]), m < 60,
              let s = Double(parts[2]), parts[2].first?.isNumber == true, s < 60 else { return nil }
        return days * 86_400 + Double(h) * 3600 + Double(m) * 60 + s
    }
}
