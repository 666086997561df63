import AnycastCore
import Foundation

// Fuzz target: the dashboard's fast reader of status updates (FlatStatusUpdateReader), as the
// poller calls it on a response body, and the JSONDecoder path it falls back to. The reader
// promises: where it answers, it answers what JSONDecoder answers (it never accepts a
// document JSONDecoder rejects). A difference is a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatusUpdate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let fast = FlatStatusUpdateReader.read(UnsafeRawBufferPointer(start: data, count: size))
    let slow = try? AgentJSON.decoder().decode(StatusUpdate.self, from: Data(bytes: data, count: size))
    if let fast, fast != slow {
        fatalError("FlatStatusUpdateReader answered \(fast), JSONDecoder \(slow.map { "\($0)" } ?? "an error")")
    }
    return 0
}
