#if !FUZZ_SOURCES_COMPILED_IN
import AnycastCore
#endif
import Foundation

/// `show bgp ipv4|ipv6 unicast summary json`: one session per neighbor address.
enum FRRSummaryParser {
    struct Summary: Decodable {
        var peers: [String: Peer]?
    }

    struct Peer: Decodable {
        var remoteAs: UInt32?
        var state: String?
        var peerUptimeMsec: Int64?
        var pfxSnt: Int?
        var lastNotificationReason: String?
        var lastResetDueTo: String?
    }

    /// The sessions, by address order; `now` dates an Established session's start.
    static func peers(from text: String, now: Date) throws(FRRReplyError) -> [PeerStatus] {
        let summary = try FRRReply.decode(Summary.self, from: text)
        return (summary.peers ?? [:]).sorted { $0.key < $1.key }.map { address, p in
            let state = Self.state(p.state ?? "")
            let since = state == .established ? p.peerUptimeMsec.map { now.addingTimeInterval(-Double($0) / 1000) } : nil
            return PeerStatus(name: address, address: address, asn: p.remoteAs ?? 0, state: state, since: since,
                              exported: p.pfxSnt ?? 0, lastError: state == .established ? nil : (p.lastNotificationReason ?? p.lastResetDueTo))
        }
    }

    /// FRR's state names ("Idle (Admin)", "Clearing" and the like are down).
    static func state(_ text: String) -> BGPSessionState {
        switch text.split(separator: " ").first.map(String.init) ?? "" {
        case "Established": .established
        case "Active": .active
        case "Connect": .connect
        case "OpenSent": .openSent
        case "OpenConfirm": .openConfirm
        case "Idle": text == "Idle" ? .idle : .down
        default: .down
        }
    }
}
