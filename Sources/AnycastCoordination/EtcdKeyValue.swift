import Foundation

/// One key of etcd, as its v3 JSON gateway answers it (keys and values base64, int64 fields as
/// strings), decoded to bytes and numbers.
public struct EtcdKeyValue: Sendable, Hashable {
    public var key: String
    public var value: Data
    public var createRevision: Int64
    public var modRevision: Int64
    public var version: Int64
    /// The etcd lease the key is attached to (0: none).
    public var lease: Int64

    public init(key: String, value: Data, createRevision: Int64 = 0, modRevision: Int64 = 0, version: Int64 = 0, lease: Int64 = 0) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }
}
