#if !FUZZ_SOURCES_COMPILED_IN
import AnycastCore
#endif
import Foundation

/// `gobgp neighbor -j`: each neighbor's session, its AS and ours, and the families it carries.
/// gobgp leaves zero values out, so a missing number is 0.
enum GoBGPNeighborParser {
    struct Neighbor: Decodable {
        var conf: Conf?
        var state: State?
        var timers: Timers?
        var afi_safis: [AfiSafi]?
    }

    struct Conf: Decodable {
        var local_asn: UInt32?
        var neighbor_address: String?
        var peer_asn: UInt32?
    }

    struct State: Decodable {
        var session_state: Int?
        var neighbor_address: String?
    }

    struct Timers: Decodable {
        var state: TimerState?
    }

    struct TimerState: Decodable {
        var uptime: Seconds?
    }

    struct Seconds: Decodable {
        var seconds: Int64?
    }

    struct AfiSafi: Decodable {
        var config: AfiSafiConfig?
    }

    struct AfiSafiConfig: Decodable {
        var family: Family?
        var enabled: Bool?
    }

    struct Family: Decodable {
        var afi: Int?
        var safi: Int?
    }

    /// One neighbor as the controller uses it.
    struct Session: Sendable, Hashable {
        var status: PeerStatus
        var localAS: UInt32?
        /// The unicast families enabled on the session.
        var families: Set<IPFamily>
    }

    /// The neighbors by address order. `uptime` is a Unix time (when the session came up).
    static func sessions(from text: String) throws(GoBGPError) -> [Session] {
        let neighbors = try GoBGPReply.decode([Neighbor].self, from: text)
        return neighbors.compactMap { n -> Session? in
            guard let address = n.conf?.neighbor_address ?? n.state?.neighbor_address else { return nil }
            let state = Self.state(n.state?.session_state ?? 0)
            let since = state == .established ? n.timers?.state?.uptime?.seconds.map { Date(timeIntervalSince1970: Double($0)) } : nil
            var families: Set<IPFamily> = []
            for a in n.afi_safis ?? [] where a.config?.enabled != false && a.config?.family?.safi == 1 {
                switch a.config?.family?.afi {
                case 1: families.insert(.ipv4)
                case 2: families.insert(.ipv6)
                default: break
                }
            }
            return Session(status: PeerStatus(name: address, address: address, asn: n.conf?.peer_asn ?? 0, state: state, since: since, exported: 0),
                           localAS: n.conf?.local_asn, families: families)
        }.sorted { $0.status.address < $1.status.address }
    }

    /// GoBGP's session states (gobgp's API enum): 1 Idle … 6 Established; 0 or unknown is down.
    static func state(_ number: Int) -> BGPSessionState {
        switch number {
        case 1: .idle
        case 2: .connect
        case 3: .active
        case 4: .openSent
        case 5: .openConfirm
        case 6: .established
        default: .down
        }
    }
}
