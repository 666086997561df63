/// `show bgp ipv4|ipv6 unicast PREFIX json`: the communities of the site's own route (the
/// path FRR sourced). advertised-routes leaves communities out, so the de-prefer check reads
/// them here; FRR sends them to eBGP peers as the route carries them.
enum FRRRouteDetailParser {
    struct Answer: Decodable {
        var paths: [Path]?
    }

    struct Path: Decodable {
        var sourced: Bool?
        var local: Bool?
        var community: Community?
    }

    struct Community: Decodable {
        var string: String?
    }

    /// The communities of the local path, as FRR writes them (`graceful-shutdown`, `65000:1`);
    /// nil when FRR has no local path for the prefix (an empty answer).
    static func localCommunities(from text: String) throws(FRRReplyError) -> [String]? {
        let answer = try FRRReply.decode(Answer.self, from: text)
        guard let path = (answer.paths ?? []).first(where: { $0.sourced == true || $0.local == true }) else { return nil }
        return (path.community?.string ?? "").split(separator: " ").map(String.init)
    }
}
