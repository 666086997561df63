import AnycastCore
import Foundation

/// What the fast reader and JSONDecoder made of one body; nil where each refused it.
struct FuzzStatusUpdateResult {
    var fast: StatusUpdate?
    var decoded: StatusUpdate?
}

/// Fuzz target statusupdate: the dashboard's fast reader of status updates
/// (FlatStatusUpdateReader), as the poller calls it on a response body, and the JSONDecoder
/// path it falls back to. The reader promises: where it answers, it answers what JSONDecoder
/// answers (it never accepts a document JSONDecoder rejects).
@discardableResult
func fuzzStatusUpdate(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzStatusUpdateResult {
    let fast = bytes.withUnsafeBytes { FlatStatusUpdateReader.read($0) }
    let decoded = try? AgentJSON.decoder().decode(StatusUpdate.self, from: Data(bytes))
    if let fast, fast != decoded {
        throw FuzzFailure(description: "FlatStatusUpdateReader answered \(fast), JSONDecoder \(decoded.map { "\($0)" } ?? "an error")")
    }
    return FuzzStatusUpdateResult(fast: fast, decoded: decoded)
}
