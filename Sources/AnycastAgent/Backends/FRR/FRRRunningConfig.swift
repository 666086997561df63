#if !FUZZ_SOURCES_COMPILED_IN
import AnycastCore
#endif

/// What the agent reads back from `show running-config bgpd`: the default instance's AS, its
/// network statements (with their route-maps) and the route-maps' set clauses. vtysh has no
/// JSON for the configuration; its text is FRR's own config format, one statement a line.
struct FRRRunningConfig: Sendable, Hashable {
    /// `router bgp N` of the default instance.
    var localAS: UInt32?
    /// Each network statement's prefix (`IPPrefix.canonical`) → its route-map, nil when it has none.
    var networks: [String: String?] = [:]
    /// Route-map name → the set clauses of its entries, as written (`set metric 500`).
    var routeMaps: [String: [String]] = [:]

    static func parse(_ text: String) -> FRRRunningConfig {
        var config = FRRRunningConfig()
        var inDefaultBGP = false
        var routeMap: String?
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ").map(String.init)
            let topLevel = raw.first.map { $0 != " " } ?? false
            if topLevel {
                inDefaultBGP = false
                routeMap = nil
                if words.count >= 3, words[0] == "router", words[1] == "bgp", !words.contains("vrf"), !words.contains("view") {
                    inDefaultBGP = true
                    config.localAS = UInt32(words[2])
                } else if words.count >= 2, words[0] == "route-map" {
                    routeMap = words[1]
                    config.routeMaps[words[1], default: []] += []
                }
                continue
            }
            if inDefaultBGP, words.first == "network", words.count >= 2 {
                let prefix = IPPrefix.canonical(words[1]) ?? words[1]
                let map = words.count >= 4 && words[2] == "route-map" ? words[3] : nil
                config.networks[prefix] = .some(map)
            } else if let routeMap, words.first == "set" {
                config.routeMaps[routeMap, default: []].append(words.joined(separator: " "))
            }
        }
        return config
    }
}
