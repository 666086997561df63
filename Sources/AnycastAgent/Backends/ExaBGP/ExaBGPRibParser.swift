/// `show adj-rib out extensive`: one line a route kept for a neighbor, `neighbor ADDR ...
/// ipv4|ipv6 unicast PREFIX next-hop self [as-path [ AS ... ]] [med N] [community C|[ C ... ]]`.
/// ExaBGP keeps a route for a neighbor whose session is down, and sends it when it comes back.
enum ExaBGPRibParser {
    struct Route: Sendable, Hashable {
        var neighbor: String
        var prefix: String
        /// The AS path as given (ExaBGP sends it as it is, adding nothing); empty: none given.
        var asPath: [UInt32]
        var med: Int64?
        var communities: [String]
    }

    static func routes(from text: String) -> [Route] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> Route? in
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 2, words[0] == "neighbor" else { return nil }
            guard let unicast = words.firstIndex(of: "unicast"), unicast > 0, ["ipv4", "ipv6"].contains(words[unicast - 1]),
                  unicast + 1 < words.count else { return nil }
            var route = Route(neighbor: words[1], prefix: words[unicast + 1], asPath: [], med: nil, communities: [])
            var i = unicast + 2
            while i < words.count {
                switch words[i] {
                case "as-path":
                    let (items, next) = list(words, from: i + 1)
                    route.asPath = items.compactMap { UInt32($0) }
                    i = next
                case "community":
                    let (items, next) = list(words, from: i + 1)
                    route.communities = items
                    i = next
                case "med" where i + 1 < words.count:
                    route.med = Int64(words[i + 1])
                    i += 2
                default:
                    i += 1
                }
            }
            return route
        }.sorted { ($0.prefix, $0.neighbor) < ($1.prefix, $1.neighbor) }
    }

    /// `[ a b c ]` or a single word, from `start`; the items and the index after them.
    private static func list(_ words: [String], from start: Int) -> ([String], Int) {
        guard start < words.count else { return ([], start) }
        guard words[start] == "[" else { return ([words[start]], start + 1) }
        var items: [String] = []
        var i = start + 1
        while i < words.count, words[i] != "]" {
            items.append(words[i])
            i += 1
        }
        return (items, i + 1)
    }
}
