#if !FUZZ_SOURCES_COMPILED_IN
@testable import AnycastAgent
#endif
import Foundation

/// Fuzz target frr: any bytes as vtysh's answer, through the summary, advertised-routes and
/// route parsers, the running-config reader and the splitter of several answers. Each answers or refuses, never traps; what is parsed keeps its promises
/// (sessions and routes in order). Returns how many sessions and routes were read. Shared by
/// the libFuzzer entry point (fuzz/targets/frr.swift) and FuzzRegressionTests.
@discardableResult
func fuzzFRR(_ bytes: [UInt8]) throws(FuzzFailure) -> Int {
    let text = String(decoding: bytes, as: UTF8.self)
    var read = 0
    if let peers = try? FRRSummaryParser.peers(from: text, now: Date(timeIntervalSince1970: 1_800_000_000)) {
        guard peers.map(\.address) == peers.map(\.address).sorted() else { throw FuzzFailure(description: "sessions out of address order") }
        read += peers.count
    }
    if let routes = try? FRRAdvertisedParser.routes(from: text) {
        guard routes.map(\.prefix) == routes.map(\.prefix).sorted() else { throw FuzzFailure(description: "routes out of prefix order") }
        read += routes.count
    }
    if let communities = try? FRRRouteDetailParser.localCommunities(from: text) { read += communities.count }
    if let (objects, rest) = try? FRRAnswerSplitter.split(text, count: 2) {
        guard objects.allSatisfy({ $0.hasPrefix("{") && $0.hasSuffix("}") }), objects.joined().utf8.count + rest.utf8.count <= text.utf8.count else {
            throw FuzzFailure(description: "split answers that are not whole objects of the input")
        }
        read += objects.count
    }
    let config = FRRRunningConfig.parse(text)
    guard config.networks.values.allSatisfy({ $0.map { !$0.isEmpty } ?? true }) else { throw FuzzFailure(description: "a network statement with an empty route-map") }
    read += config.networks.count + config.routeMaps.count
    return read
}
