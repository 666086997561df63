import AnycastCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// A client of etcd's v3 API through its JSON gateway (HTTP POST to `/v3/...`) over a
/// cluster's client URLs. Every call has a deadline; a member that refuses or does not answer
/// in its share of it is left for the next, and the member that answered last is asked first.
///
/// Why the gateway and not gRPC: the calls the coordination needs (put, range, txn, leases)
/// are a handful of small JSON bodies, AsyncHTTPClient is already in the package, and no
/// generated code or vendored `.proto` files are needed.
public final class EtcdClient: Sendable {
    public let endpoints: [String]
    let http: HTTPClient
    let timeout: Duration
    private let preferred = Mutex(0)
    /// etcd's user and password, for a cluster with authentication enabled.
    let credentials: Credentials?
    /// The token etcd gave for `credentials`; asked again when etcd no longer knows it.
    private let token = Mutex<String?>(nil)

    /// A user of etcd's own authentication (`etcdctl user add`).
    public struct Credentials: Sendable, Hashable {
        public var username: String
        public var password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// `endpoints`: client URLs such as `http://127.0.0.1:2379`. `timeout` bounds each call,
    /// failover included.
    public init(endpoints: [String], http: HTTPClient, timeout: Duration = .seconds(2), credentials: Credentials? = nil) {
        precondition(!endpoints.isEmpty, "etcd needs at least one endpoint")
        self.endpoints = endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.http = http
        self.timeout = timeout
        self.credentials = credentials
    }

    /// A client for `config`'s cluster with its own HTTP client (TLS and credentials from the
    /// config); the caller shuts `http` down when done.
    public static func make(_ config: CoordinationConfig) throws -> EtcdClient {
        let http = try makeHTTPClient(caFile: config.caFile, certificateFile: config.clientCertificateFile, keyFile: config.clientKeyFile)
        let credentials = config.username.map { Credentials(username: $0, password: config.password ?? "") }
        return EtcdClient(endpoints: config.endpoints, http: http, timeout: config.timeout, credentials: credentials)
    }

    /// Shuts down the HTTP client (for a client from `make`).
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// An HTTP client for etcd: short connect timeout, no retries of its own (the failover is
    /// this client's). For https members: the CA to trust (the system's when nil) and a client
    /// certificate for a cluster that authenticates clients by certificate.
    public static func makeHTTPClient(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) throws -> HTTPClient {
        var config = HTTPClient.Configuration()
        config.timeout.connect = .milliseconds(500)
        config.connectionPool.retryConnectionEstablishment = false
        config.redirectConfiguration = .disallow
        if caFile != nil || certificateFile != nil {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile { tls.trustRoots = .file(caFile) }
            if let certificateFile, let keyFile {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
            config.tlsConfiguration = tls
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    // MARK: - Keys

    /// Writes `value` at `key`, attached to `lease` when given.
    public func put(_ key: String, _ value: String, lease: Int64? = nil) async throws(EtcdError) {
        var body: [String: Any] = ["key": EtcdWire.base64(key), "value": EtcdWire.base64(value)]
        if let lease { body["lease"] = String(lease) }
        _ = try await call("/v3/kv/put", body)
    }

    /// The key, or nil when it does not exist.
    public func get(_ key: String) async throws(EtcdError) -> EtcdKeyValue? {
        let data = try await call("/v3/kv/range", ["key": EtcdWire.base64(key)])
        return try Self.decode(EtcdWire.RangeResponse.self, data).kvs?.first?.decoded()
    }

    /// Every key under `prefix`, in key order, and the store's revision when read.
    public func list(prefix: String) async throws(EtcdError) -> (keys: [EtcdKeyValue], revision: Int64) {
        let data = try await call("/v3/kv/range", ["key": EtcdWire.base64(prefix), "range_end": EtcdWire.prefixEnd(prefix)])
        let answer = try Self.decode(EtcdWire.RangeResponse.self, data)
        return (try answer.keys(), answer.header?.revision?.value ?? 0)
    }

    /// Deletes `key`.
    public func delete(_ key: String) async throws(EtcdError) {
        _ = try await call("/v3/kv/deleterange", ["key": EtcdWire.base64(key)])
    }

    /// Runs `success` if every comparison holds, else `failure`, atomically.
    public func transaction(_ compare: [EtcdCompare], success: [EtcdOperation], failure: [EtcdOperation] = []) async throws(EtcdError) -> EtcdTxnResult {
        let body: [String: Any] = ["compare": compare.map(\.json), "success": success.map(\.json), "failure": failure.map(\.json)]
        let answer = try Self.decode(EtcdWire.TxnResponse.self, try await call("/v3/kv/txn", body))
        var ranges: [[EtcdKeyValue]] = []
        for op in answer.responses ?? [] {
            if let range = op.response_range { ranges.append(try range.keys()) }
        }
        return EtcdTxnResult(succeeded: answer.succeeded ?? false, revision: answer.header?.revision?.value ?? 0, ranges: ranges)
    }

    // MARK: - Leases

    /// A new lease of `ttl` seconds; its keys vanish when it is neither kept alive nor revoked.
    public func grantLease(ttl: Int) async throws(EtcdError) -> Int64 {
        let answer = try Self.decode(EtcdWire.LeaseGrantResponse.self, try await call("/v3/lease/grant", ["TTL": String(ttl)]))
        if let error = answer.error, !error.isEmpty { throw .rejected(code: 200, message: error) }
        guard let id = answer.ID?.value, id != 0 else { throw .malformed("a lease grant without an ID") }
        return id
    }

    /// Renews `lease`; answers its TTL, 0 when the lease has already expired.
    public func keepAlive(_ lease: Int64) async throws(EtcdError) -> Int64 {
        let answer = try Self.decode(EtcdWire.KeepAliveResponse.self, try await call("/v3/lease/keepalive", ["ID": String(lease)]))
        return answer.result?.TTL?.value ?? 0
    }

    /// Ends `lease` now, deleting its keys.
    public func revoke(_ lease: Int64) async throws(EtcdError) {
        _ = try await call("/v3/lease/revoke", ["ID": String(lease)])
    }

    // MARK: - Cluster

    /// What one member says of itself: its id, the leader's id and its version.
    public struct MemberStatus: Sendable, Hashable {
        public var endpoint: String
        public var memberID: Int64
        public var leaderID: Int64
        public var version: String
    }

    /// The status of `endpoint` alone (no failover): for the health of each member.
    public func status(of endpoint: String) async throws(EtcdError) -> MemberStatus {
        let data = try await send("/v3/maintenance/status", body: Data("{}".utf8), to: endpoint, deadline: NIODeadline.now() + .nanoseconds(timeout.nanoseconds))
        let answer = try Self.decode(EtcdWire.StatusResponse.self, data)
        return MemberStatus(endpoint: endpoint, memberID: answer.header?.member_id?.value ?? 0,
                            leaderID: answer.leader?.value ?? 0, version: answer.version ?? "")
    }

    /// Each member's name (`--name`) by member id.
    public func memberNames() async throws(EtcdError) -> [Int64: String] {
        let answer = try Self.decode(EtcdWire.MemberListResponse.self, try await call("/v3/cluster/member/list", [:]))
        var names: [Int64: String] = [:]
        for m in answer.members ?? [] {
            if let id = m.ID?.value, let name = m.name, !name.isEmpty { names[id] = name }
        }
        return names
    }

    // MARK: - Calls

    /// `callOnce` with etcd's authentication: a token is asked for first, and asked again
    /// once when etcd has forgotten it (simple tokens expire after 5 idle minutes and do not
    /// survive a member's restart).
    func call(_ path: String, _ body: [String: Any]) async throws(EtcdError) -> Data {
        guard let credentials else { return try await callOnce(path, body) }
        if token.withLock({ $0 }) == nil { try await authenticate(credentials) }
        do {
            return try await callOnce(path, body)
        } catch .rejected(let code, let message) where code == 401 || message.contains("invalid auth token") || message.contains("user name is empty") {
            try await authenticate(credentials)
            return try await callOnce(path, body)
        }
    }

    /// Replaces the token, as if etcd had forgotten it (a member restarted).
    func forgetTokenForTests(_ stale: String) { token.withLock { $0 = stale } }

    private func authenticate(_ credentials: Credentials) async throws(EtcdError) {
        token.withLock { $0 = nil }
        let data = try await callOnce("/v3/auth/authenticate", ["name": credentials.username, "password": credentials.password])
        guard let answer = try? JSONDecoder().decode(EtcdWire.AuthenticateResponse.self, from: data), let value = answer.token, !value.isEmpty else {
            throw .malformed("an authentication answer without a token")
        }
        token.withLock { $0 = value }
    }

    /// POSTs `body` to each endpoint in turn, from the one that answered last, until one
    /// answers; a member that does not answer within its share of the deadline is skipped.
    /// While time is left, members that all failed are asked again after a short pause: an
    /// election (a leader killed) makes every member refuse for about an election timeout.
    func callOnce(_ path: String, _ body: [String: Any]) async throws(EtcdError) -> Data {
        let bytes: Data
        do { bytes = try JSONSerialization.data(withJSONObject: body) } catch { throw .malformed("cannot encode the request: \(error)") }
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        let share = TimeAmount.nanoseconds(max(timeout.nanoseconds / Int64(endpoints.count), 200_000_000))
        var failures: [String] = []
        while NIODeadline.now() < deadline {
            failures = []
            let first = preferred.withLock { $0 }
            for step in 0..<endpoints.count {
                let index = (first + step) % endpoints.count
                let endpoint = endpoints[index]
                if NIODeadline.now() >= deadline { break }
                let attemptDeadline = min(deadline, NIODeadline.now() + share)
                do {
                    let data = try await send(path, body: bytes, to: endpoint, deadline: attemptDeadline)
                    preferred.withLock { $0 = index }
                    return data
                } catch let error {
                    switch error {
                    case .rejected(let code, _) where code < 500: throw error  // the request itself is wrong: no other member will take it
                    case .unreachable(let why): failures.append("\(endpoint): \(why)")
                    default: failures.append("\(endpoint): \(error)")
                    }
                }
            }
            if NIODeadline.now() + Self.retryPause >= deadline { break }
            do { try await Task.sleep(for: .nanoseconds(Self.retryPause.nanoseconds)) } catch { break }
        }
        throw .unreachable(failures.isEmpty ? "no time left for any member" : failures.joined(separator: "; "))
    }

    /// The pause before asking every member again.
    static let retryPause = TimeAmount.milliseconds(100)

    private func send(_ path: String, body: Data, to endpoint: String, deadline: NIODeadline) async throws(EtcdError) -> Data {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if path != "/v3/auth/authenticate", let token = token.withLock({ $0 }) { request.headers.add(name: "Authorization", value: token) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, deadline: deadline)
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw .unreachable("\(error)")
        }
        let data = Data(bytes.readableBytesView)
        guard response.status.code == 200 else {
            let body = try? JSONDecoder().decode(EtcdWire.ErrorBody.self, from: data)
            throw .rejected(code: Int(response.status.code), message: body?.message ?? body?.error ?? String(decoding: data.prefix(200), as: UTF8.self))
        }
        return data
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(EtcdError) -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch { throw .malformed("\(error)") }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
