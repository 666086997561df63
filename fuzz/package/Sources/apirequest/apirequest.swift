import AnycastCore
import Foundation

// Fuzz target: the body of POST /v1/drain and POST /v1/undrain as the agent's API reads it
// (AgentAPI.decodeBody, then validate()): an empty body is refused, else AgentJSON.decoder()
// decodes it and the request checks its own fields. Each body goes through both requests. A
// request that passes must survive the JSON round trip the agent's audit log gives it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPIRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }  // "a JSON body is required"
    let body = Data(bytes: data, count: size)
    if let drain = try? AgentJSON.decoder().decode(DrainRequest.self, from: body), (try? drain.validate()) != nil {
        roundTrip(drain)
    }
    if let undrain = try? AgentJSON.decoder().decode(UndrainRequest.self, from: body), (try? undrain.validate()) != nil {
        roundTrip(undrain)
    }
    return 0
}

func roundTrip<T: Codable & Equatable>(_ request: T) {
    guard let encoded = try? AgentJSON.encoder().encode(request) else { fatalError("a valid \(T.self) does not encode: \(request)") }
    guard let back = try? AgentJSON.decoder().decode(T.self, from: encoded), back == request else {
        fatalError("a valid \(T.self) does not survive encode+decode: \(request) -> \(String(decoding: encoded, as: UTF8.self))")
    }
}
