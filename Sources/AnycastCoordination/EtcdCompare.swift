/// A condition of a transaction (etcd's `Compare`), on one key.
public enum EtcdCompare: Sendable, Hashable {
    /// The key's last modification revision equals `revision` (0: the key does not exist).
    case modRevision(key: String, equals: Int64)
    /// The key's value equals `value`.
    case value(key: String, equals: String)
    /// No key under `prefix` was created after `revision` (the range form of a comparison,
    /// etcd 3.3 and later): nobody joined a set that was read whole.
    case noneCreatedAfter(prefix: String, revision: Int64)

    var json: [String: Any] {
        switch self {
        case .modRevision(let key, let revision):
            ["key": EtcdWire.base64(key), "result": "EQUAL", "target": "MOD", "mod_revision": String(revision)]
        case .value(let key, let value):
            ["key": EtcdWire.base64(key), "result": "EQUAL", "target": "VALUE", "value": EtcdWire.base64(value)]
        case .noneCreatedAfter(let prefix, let revision):
            ["key": EtcdWire.base64(prefix), "range_end": EtcdWire.prefixEnd(prefix), "result": "LESS", "target": "CREATE",
             "create_revision": String(revision + 1)]
        }
    }
}

/// An operation of a transaction (etcd's `RequestOp`).
public enum EtcdOperation: Sendable, Hashable {
    case put(key: String, value: String, lease: Int64?)
    case delete(key: String)
    case range(prefix: String)

    var json: [String: Any] {
        switch self {
        case .put(let key, let value, let lease):
            var put: [String: Any] = ["key": EtcdWire.base64(key), "value": EtcdWire.base64(value)]
            if let lease { put["lease"] = String(lease) }
            return ["request_put": put]
        case .delete(let key):
            return ["request_delete_range": ["key": EtcdWire.base64(key)]]
        case .range(let prefix):
            return ["request_range": ["key": EtcdWire.base64(prefix), "range_end": EtcdWire.prefixEnd(prefix)]]
        }
    }
}

/// What a transaction did: whether its conditions held, and the ranges it read.
public struct EtcdTxnResult: Sendable, Hashable {
    public var succeeded: Bool
    /// The store's revision after the transaction.
    public var revision: Int64
    /// The keys of each `.range` operation that ran, in order.
    public var ranges: [[EtcdKeyValue]]
}
