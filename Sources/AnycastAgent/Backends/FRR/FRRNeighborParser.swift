/// `show bgp neighbors json`: each neighbor's session, and the outbound route-map of each of its
/// address families (how the de-prefer step is applied, and read back).
enum FRRNeighborParser {
    struct Neighbor: Decodable {
        var bgpState: String?
        var addressFamilyInfo: [String: Family]?
    }

    struct Family: Decodable {
        var routeMapForOutgoingAdvertisements: String?
    }

    /// Address → address family (`ipv4Unicast`, `ipv6Unicast`) → outbound route-map.
    static func outboundRouteMaps(from text: String) throws(FRRReplyError) -> [String: [String: String]] {
        let neighbors = try FRRReply.decode([String: Neighbor].self, from: text)
        var out: [String: [String: String]] = [:]
        for (address, n) in neighbors {
            var maps: [String: String] = [:]
            for (family, info) in n.addressFamilyInfo ?? [:] {
                if let map = info.routeMapForOutgoingAdvertisements { maps[family] = map }
            }
            out[address] = maps
        }
        return out
    }
}
