import Foundation

/// `gobgp global rib -a FAMILY -j` and `gobgp neighbor ADDR adj-out -a FAMILY -j`: prefix →
/// paths, each with its attributes by type number (2 AS path, 4 MED, 8 communities).
enum GoBGPRibParser {
    struct Path: Decodable {
        var attrs: [Attribute]?
        /// Set on paths learned from a peer; a path added locally has neither.
        var sourceID: String?
        var neighborIP: String?

        enum CodingKeys: String, CodingKey {
            case attrs
            case sourceID = "source-id"
            case neighborIP = "neighbor-ip"
        }
    }

    struct Attribute: Decodable {
        var type: Int?
        var as_paths: [Segment]?
        var metric: Int64?
        var communities: [UInt32]?
    }

    struct Segment: Decodable {
        var asns: [UInt32]?
    }

    /// One path, as the controllers compare it.
    struct Route: Sendable, Hashable {
        var prefix: String
        /// Added on this router (not learned from a peer).
        var local: Bool
        /// Every AS number of the path, first to last.
        var asPath: [UInt32]
        var med: Int64?
        var communities: [UInt32]
    }

    /// The paths, by prefix order.
    static func routes(from text: String) throws(GoBGPError) -> [Route] {
        let table = try GoBGPReply.decode([String: [Path]].self, from: text)
        return table.flatMap { prefix, paths in
            paths.map { p in
                let attrs = p.attrs ?? []
                return Route(
                    prefix: prefix, local: p.sourceID == nil && p.neighborIP == nil,
                    asPath: attrs.filter { $0.type == 2 }.flatMap { ($0.as_paths ?? []).flatMap { $0.asns ?? [] } },
                    // gobgp leaves zero values out: a MED attribute without a metric is MED 0.
                    med: attrs.first { $0.type == 4 }.map { $0.metric ?? 0 },
                    communities: attrs.filter { $0.type == 8 }.flatMap { $0.communities ?? [] })
            }
        }.sorted { ($0.prefix, $0.local ? 0 : 1) < ($1.prefix, $1.local ? 0 : 1) }
    }

    /// GRACEFUL_SHUTDOWN, 65535:0, as gobgp writes a community: one 32-bit number.
    static let gracefulShutdown: UInt32 = 0xFFFF_0000
}
