/// `show bgp ipv4|ipv6 unicast neighbors ADDR advertised-routes json`: what FRR sends the
/// neighbor after its outbound policy, with the AS path that policy prepended (FRR leaves its
/// own AS, added on the wire, out) and the MED.
enum FRRAdvertisedParser {
    struct Answer: Decodable {
        var advertisedRoutes: [String: Route]?
    }

    struct Route: Decodable {
        var network: String?
        var metric: Int?
        var path: String?
    }

    /// One route as sent.
    struct Sent: Sendable, Hashable {
        var prefix: String
        /// The AS numbers the outbound policy put in the path, first to last.
        var prepended: [UInt32]
        var med: Int?
    }

    /// The routes sent, by prefix order. A neighbor FRR does not have is an error (a warning).
    static func routes(from text: String) throws(FRRReplyError) -> [Sent] {
        let answer = try FRRReply.decode(Answer.self, from: text)
        return (answer.advertisedRoutes ?? [:]).map { key, r in
            Sent(prefix: r.network ?? key,
                 prepended: (r.path ?? "").split(separator: " ").compactMap { UInt32($0) },
                 med: r.metric)
        }.sorted { $0.prefix < $1.prefix }
    }
}
