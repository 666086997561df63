#if !FUZZ_SOURCES_COMPILED_IN
@testable import AnycastAgent
#endif
import Foundation

/// Fuzz target exabgp: any bytes as an answer on ExaBGP's control pipe, through the neighbor
/// and adj-rib-out readers. Each reads what it can, never traps; what is read keeps its
/// promises (sessions and routes in order, an Established session dated no later than now).
/// Returns how many sessions and routes were read. Shared by the libFuzzer entry point
/// (fuzz/targets/exabgp.swift) and FuzzRegressionTests.
@discardableResult
func fuzzExaBGP(_ bytes: [UInt8]) throws(FuzzFailure) -> Int {
    let text = String(decoding: bytes, as: UTF8.self)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let sessions = ExaBGPNeighborParser.sessions(from: text, now: now)
    guard sessions.map(\.status.address) == sessions.map(\.status.address).sorted() else { throw FuzzFailure(description: "sessions out of address order") }
    guard sessions.allSatisfy({ ($0.status.since ?? now) <= now }) else { throw FuzzFailure(description: "a session up since the future") }
    let routes = ExaBGPRibParser.routes(from: text)
    guard routes.map(\.prefix) == routes.map(\.prefix).sorted() else { throw FuzzFailure(description: "routes out of prefix order") }
    return sessions.count + routes.count
}
