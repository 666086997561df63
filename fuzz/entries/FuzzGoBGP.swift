#if !FUZZ_SOURCES_COMPILED_IN
@testable import AnycastAgent
#endif
import Foundation

/// Fuzz target gobgp: any bytes as a `gobgp ... -j` answer, through the neighbor and RIB
/// parsers and the error reader. Each answers or refuses, never traps; what is parsed keeps its
/// promises (sessions and paths in order, a community list only of what the answer held).
/// Returns how many sessions and paths were read. Shared by the libFuzzer entry point
/// (fuzz/targets/gobgp.swift) and FuzzRegressionTests.
@discardableResult
func fuzzGoBGP(_ bytes: [UInt8]) throws(FuzzFailure) -> Int {
    let text = String(decoding: bytes, as: UTF8.self)
    var read = 0
    if let sessions = try? GoBGPNeighborParser.sessions(from: text) {
        guard sessions.map(\.status.address) == sessions.map(\.status.address).sorted() else { throw FuzzFailure(description: "sessions out of address order") }
        read += sessions.count
    }
    if let routes = try? GoBGPRibParser.routes(from: text) {
        guard routes.map(\.prefix) == routes.map(\.prefix).sorted() else { throw FuzzFailure(description: "paths out of prefix order") }
        read += routes.count
    }
    if let failure = GoBGPReply.failure(in: text), case .refused(let said) = failure, said.contains("\n") {
        throw FuzzFailure(description: "a refusal of more than its first line")
    }
    return read
}
