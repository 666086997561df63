import Foundation

/// The JSON bodies of etcd's v3 gateway (`/v3/kv/*`, `/v3/lease/*`, `/v3/maintenance/status`):
/// field names as the protobuf messages spell them, bytes base64, int64 as strings (also read
/// as numbers). Only the fields the coordination uses.
enum EtcdWire {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// `[key, prefixEnd)`: every key that starts with `prefix` (etcd's range_end rule: the
    /// prefix with its last byte incremented, dropping trailing 0xff bytes).
    static func prefixEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return Data(bytes).base64EncodedString()
            }
            bytes.removeLast()
        }
        return Data([0]).base64EncodedString()  // the whole key space
    }

    /// An int64 (or a uint64 such as a member id, kept as its bit pattern) that the gateway
    /// writes as a string, or, from some versions, as a number.
    struct Int64Text: Decodable, Sendable {
        var value: Int64
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) {
                if let v = Int64(text) { value = v; return }
                if let u = UInt64(text) { value = Int64(bitPattern: u); return }
            }
            if let u = try? c.decode(UInt64.self) { value = Int64(bitPattern: u); return }
            value = try c.decode(Int64.self)
        }
    }

    struct Header: Decodable, Sendable {
        var revision: Int64Text?
        var member_id: Int64Text?
    }

    struct KV: Decodable, Sendable {
        var key: String?
        var value: String?
        var create_revision: Int64Text?
        var mod_revision: Int64Text?
        var version: Int64Text?
        var lease: Int64Text?

        func decoded() throws(EtcdError) -> EtcdKeyValue {
            guard let key, let keyData = Data(base64Encoded: key) else { throw .malformed("a key that is not base64") }
            let valueData = value.map { Data(base64Encoded: $0) } ?? Data()
            guard let valueData else { throw .malformed("a value that is not base64") }
            return EtcdKeyValue(
                key: String(decoding: keyData, as: UTF8.self), value: valueData,
                createRevision: create_revision?.value ?? 0, modRevision: mod_revision?.value ?? 0,
                version: version?.value ?? 0, lease: lease?.value ?? 0)
        }
    }

    struct RangeResponse: Decodable, Sendable {
        var header: Header?
        var kvs: [KV]?

        func keys() throws(EtcdError) -> [EtcdKeyValue] {
            var keys: [EtcdKeyValue] = []
            for kv in kvs ?? [] { keys.append(try kv.decoded()) }
            return keys
        }
    }

    struct TxnResponse: Decodable, Sendable {
        struct Op: Decodable, Sendable {
            var response_range: RangeResponse?
        }
        var header: Header?
        var succeeded: Bool?
        var responses: [Op]?
    }

    struct LeaseGrantResponse: Decodable, Sendable {
        var ID: Int64Text?
        var TTL: Int64Text?
        var error: String?
    }

    struct KeepAliveResponse: Decodable, Sendable {
        struct Result: Decodable, Sendable {
            var ID: Int64Text?
            var TTL: Int64Text?
        }
        var result: Result?
    }

    struct StatusResponse: Decodable, Sendable {
        var header: Header?
        var version: String?
        var leader: Int64Text?
    }

    struct MemberListResponse: Decodable, Sendable {
        struct Member: Decodable, Sendable {
            var ID: Int64Text?
            var name: String?
        }
        var members: [Member]?
    }

    struct AuthenticateResponse: Decodable, Sendable {
        var token: String?
    }

    /// An error body of the gateway: `{"error": "...", "code": N, "message": "..."}`.
    struct ErrorBody: Decodable, Sendable {
        var error: String?
        var message: String?
        var code: Int?
    }
}
