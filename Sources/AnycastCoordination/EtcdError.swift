/// Why a call to etcd failed.
public enum EtcdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No endpoint answered within the call's timeout (each was tried once). A write that ends
    /// so has an unknown outcome: a member without quorum may still apply it once quorum is
    /// back (seen with etcd 3.4), so what it changed must be read again, never assumed undone.
    case unreachable(String)
    /// An endpoint answered with an error (`code` is the HTTP status).
    case rejected(code: Int, message: String)
    /// An answer that is not what the gateway sends.
    case malformed(String)

    public var description: String {
        switch self {
        case .unreachable(let why): "etcd unreachable: \(why)"
        case .rejected(let code, let message): "etcd refused (HTTP \(code)): \(message)"
        case .malformed(let what): "etcd answered something unexpected: \(what)"
        }
    }
}
