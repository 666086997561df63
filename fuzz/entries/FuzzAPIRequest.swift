import AnycastCore
import Foundation

/// What one body is as each request; nil where that request refuses it.
struct FuzzAPIRequestResult {
    var drain: DrainRequest?
    var undrain: UndrainRequest?
}

/// Fuzz target apirequest: the body of POST /v1/drain and POST /v1/undrain as the agent's API
/// reads it (AgentAPI.decodeBody, then validate()): an empty body is refused, else
/// AgentJSON.decoder() decodes it and the request checks its own fields. Each body goes
/// through both requests. A request that passes must survive the JSON round trip the agent's
/// audit log gives it.
@discardableResult
func fuzzAPIRequest(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzAPIRequestResult {
    guard !bytes.isEmpty else { return FuzzAPIRequestResult() }  // "a JSON body is required"
    let body = Data(bytes)
    return FuzzAPIRequestResult(
        drain: try validRequest(DrainRequest.self, body) { try $0.validate() },
        undrain: try validRequest(UndrainRequest.self, body) { try $0.validate() })
}

private func validRequest<T: Codable & Equatable>(_: T.Type, _ body: Data, validate: (T) throws -> Void) throws(FuzzFailure) -> T? {
    guard let request = try? AgentJSON.decoder().decode(T.self, from: body), (try? validate(request)) != nil else { return nil }
    guard let encoded = try? AgentJSON.encoder().encode(request) else {
        throw FuzzFailure(description: "a valid \(T.self) does not encode: \(request)")
    }
    guard let back = try? AgentJSON.decoder().decode(T.self, from: encoded), back == request else {
        throw FuzzFailure(description: "a valid \(T.self) does not survive encode+decode: \(request) -> \(String(decoding: encoded, as: UTF8.self))")
    }
    return request
}
