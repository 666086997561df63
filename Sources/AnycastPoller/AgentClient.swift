import AnycastCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Speaks the agent API v1 to one site: status, events, drain and undrain. Every call has a
/// timeout covering the whole exchange, body included, and a cap on the response size.
public struct AgentClient: Sendable {
    let http: HTTPClient
    /// Largest response body accepted (bytes).
    public var maxResponseBytes: Int
    /// The TLS settings `http` was made with (nil: the defaults), for the poller's own
    /// connections to https agents (status streams).
    public let tls: TLSConfiguration?

    public init(http: HTTPClient, maxResponseBytes: Int = 4 * 1024 * 1024, tls: TLSConfiguration? = nil) {
        self.http = http
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
    }

    /// A pooled HTTP/1.1 client suited to polling agents (keep-alive, no redirects); `tls`
    /// (see `AgentClientTLS`) is used for https agents.
    public static func makeHTTPClient(connectTimeout: Duration = .seconds(2), tls: TLSConfiguration? = nil) -> HTTPClient {
        var config = HTTPClient.Configuration()
        if let tls { config.tlsConfiguration = tls }
        config.redirectConfiguration = .disallow
        config.timeout.connect = .milliseconds(connectTimeout.wholeMilliseconds)
        config.httpVersion = .http1Only
        config.decompression = .disabled
        // Fail fast on a refused connection: the next poll cycle is the retry. (By default
        // AHC keeps retrying until the deadline, which turns "refused" into "timed out".)
        config.connectionPool.retryConnectionEstablishment = false
        // Agents close a connection idle for 30 s (slowloris protection): close ours first, so
        // a drain is never sent on a connection the agent is closing at that moment.
        config.connectionPool.idleTimeout = .seconds(20)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// `GET /v1/status`; with `historyAfter` only newer history points are sent.
    public func status(of site: SiteConfig, historyAfter: Date? = nil, timeout: Duration) async throws(AgentClientError) -> SiteStatus {
        var path = "/v1/status"
        if let historyAfter { path += "?history_after=\(String(format: "%.3f", historyAfter.timeIntervalSince1970))" }
        return try await send(SiteStatus.self, site: site, method: .GET, path: path, body: nil, timeout: timeout)
    }

    /// `GET /v1/status/update`: the fast-changing figures, and the whole status when `known`
    /// is not the agent's current revision.
    /// `keepAlive: false` for a one-off poll (a streamed https site's history): the answer
    /// closes the connection, instead of it waiting idle in the client's pool for a minute:
    /// with 1,000 https sites the dashboard peaked at 164 MiB with them, 96–102 MiB without.
    public func statusUpdate(
        of site: SiteConfig, known: String?, historyAfter: Date?, historyPoints: Int = RateHistory.defaultCapacity, timeout: Duration,
        keepAlive: Bool = true
    ) async throws(AgentClientError) -> StatusUpdate {
        try Self.withinWindow(try await send(
            StatusUpdate.self, site: site, method: .GET,
            path: Self.updatePath(known: known, historyAfter: historyAfter, historyPoints: historyPoints), body: nil, timeout: timeout,
            keepAlive: keepAlive))
    }

    /// The path and query of a status-update poll. The first poll of a site (no
    /// `historyAfter`) asks for `historyPoints` points, so that a dashboard shows the whole
    /// history window at once; later polls ask only for what is new.
    public static func updatePath(known: String?, historyAfter: Date?, historyPoints: Int = RateHistory.defaultCapacity) -> String {
        var path = "/v1/status/update"
        var separator = "?"
        if let known {
            path += "?known=" + known
            separator = "&"
        }
        if let historyAfter {
            path += separator + "history_after=" + String(format: "%.3f", historyAfter.timeIntervalSince1970)
        } else {
            path += separator + "history=" + String(historyPoints)
        }
        return path
    }

    /// `GET /v1/events?since=SEQ`.
    public func events(of site: SiteConfig, since: UInt64, timeout: Duration) async throws(AgentClientError) -> EventsPage {
        try await send(EventsPage.self, site: site, method: .GET, path: "/v1/events?since=\(since)", body: nil, timeout: timeout)
    }

    /// `POST /v1/drain`; answers the site's new status.
    public func drain(_ site: SiteConfig, _ request: DrainRequest, timeout: Duration) async throws(AgentClientError) -> SiteStatus {
        try await send(SiteStatus.self, site: site, method: .POST, path: "/v1/drain", body: encode(request), timeout: timeout)
    }

    /// `POST /v1/extend`: adds to the lease of the site's drain; answers the site's new status.
    /// An agent without leases answers 404 (`AgentClientError`).
    public func extend(_ site: SiteConfig, _ request: ExtendRequest, timeout: Duration) async throws(AgentClientError) -> SiteStatus {
        try await send(SiteStatus.self, site: site, method: .POST, path: "/v1/extend", body: encode(request), timeout: timeout)
    }

    /// `POST /v1/undrain`; answers the site's new status.
    public func undrain(_ site: SiteConfig, _ request: UndrainRequest, timeout: Duration) async throws(AgentClientError) -> SiteStatus {
        try await send(SiteStatus.self, site: site, method: .POST, path: "/v1/undrain", body: encode(request), timeout: timeout)
    }

    private func encode<T: Encodable>(_ value: T) -> Data {
        (try? AgentJSON.encoder().encode(value)) ?? Data()
    }

    private func send<T: Decodable & Sendable>(
        _ type: T.Type, site: SiteConfig, method: HTTPMethod, path: String, body: Data?, timeout: Duration, keepAlive: Bool = true
    ) async throws(AgentClientError) -> T {
        let base = site.url.hasSuffix("/") ? String(site.url.dropLast()) : site.url
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "anycast-dash")
        if !keepAlive { request.headers.add(name: "Connection", value: "close") }
        if let token = site.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let http = self.http
        let prepared = request
        let cap = maxResponseBytes
        let result: Result<(Int, ByteBuffer), AgentClientError>
        do {
            // The timeout covers the whole exchange: a peer that sends its body one byte a
            // second must not hold the caller longer than one sent nothing.
            let (status, buffer) = try await withTimeout(timeout, "request") {
                let response = try await http.execute(prepared, timeout: .milliseconds(timeout.wholeMilliseconds + 50))
                let buffer = try await response.body.collect(upTo: cap)
                return (Int(response.status.code), buffer)
            }
            result = .success((status, buffer))
        } catch {
            result = .failure(Self.classify(error, timeout: timeout, cap: cap))
        }
        let (status, buffer) = try result.get()
        return try Self.decode(T.self, status: status, body: buffer)
    }

    /// The answer's body as `T` (2xx) or the agent's error (anything else).
    static func decode<T: Decodable>(_ type: T.Type, status: Int, body buffer: ByteBuffer, decoder: JSONDecoder = AgentJSON.decoder()) throws(AgentClientError) -> T {
        let data = Data(buffer.readableBytesView)
        guard (200..<300).contains(status) else {
            let body = try? decoder.decode(APIErrorBody.self, from: data)
            throw .http(status: status, code: body?.error, message: body?.message)
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw .invalidResponse(Self.describe(error))
        } catch {
            throw .invalidResponse("\(error)")
        }
    }

    /// A status update from an answer, within the history window (`withinWindow`): the
    /// common forms through `FlatStatusUpdateReader` (`decoder` only for a `status` object),
    /// anything else through `decoder`.
    /// `previous`, the last update of the same agent, lends its strings (`FlatStatusUpdateReader`).
    static func decodeUpdate(
        status: Int, body buffer: ByteBuffer, decoder: JSONDecoder, previous: StatusUpdate? = nil
    ) throws(AgentClientError) -> StatusUpdate {
        var spare: [RatePoint] = []
        return try decodeUpdate(status: status, body: buffer, decoder: decoder, previous: previous, historyBuffer: &spare)
    }

    /// The same, with the history written into `historyBuffer`'s storage where it can be
    /// (`FlatStatusUpdateReader.read(_:statusDecoder:previous:historyBuffer:)`).
    static func decodeUpdate(
        status: Int, body buffer: ByteBuffer, decoder: JSONDecoder, previous: StatusUpdate?, historyBuffer: inout [RatePoint]
    ) throws(AgentClientError) -> StatusUpdate {
        let update: StatusUpdate
        if (200..<300).contains(status), let flat = buffer.withUnsafeReadableBytes({
            FlatStatusUpdateReader.read($0, statusDecoder: decoder, previous: previous, historyBuffer: &historyBuffer)
        }) {
            update = flat
        } else {
            update = try decode(StatusUpdate.self, status: status, body: buffer, decoder: decoder)
        }
        return try withinWindow(update)
    }

    /// More history points than a whole window are not what an agent sends: refused, not merged.
    /// (Taken, not borrowed: a borrowed update is copied to be returned, each line.)
    static func withinWindow(_ update: consuming StatusUpdate) throws(AgentClientError) -> StatusUpdate {
        guard update.history.count <= RateHistory.defaultCapacity else {
            throw .invalidResponse("a history of \(update.history.count) points, more than the \(RateHistory.defaultCapacity) of a window")
        }
        return update
    }

    static func classify(_ error: any Error, timeout: Duration, cap: Int) -> AgentClientError {
        if error is TimeoutError { return .timedOut(milliseconds: timeout.wholeMilliseconds) }
        if error is NIOTooManyBytesError { return .responseTooLarge(limit: cap) }
        if error is TLSAnswerDetector.AgentSpeaksTLS { return .speaksTLS }
        if let e = error as? HTTPParserError {
            return e == .invalidEOFState ? .connection("connection closed in the middle of the answer") : .invalidResponse("not HTTP (\(e))")
        }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout: return .timedOut(milliseconds: timeout.wholeMilliseconds)
            case .connectTimeout: return .connection("connect timed out")
            case .remoteConnectionClosed: return .connection("connection closed by the agent")
            case .invalidURL, .emptyHost, .emptyScheme: return .badURL("\(e)")
            default: return .connection("\(e)")
            }
        }
        let text = String(describing: error)
        if text.contains("WRONG_VERSION_NUMBER") {
            return .connection("TLS handshake failed: the agent does not speak TLS (use an http:// URL for this site)")
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return .connection("TLS handshake failed: the agent's certificate is not trusted (check [fleet] tls_ca_file)")
        }
        if text.contains("failedToValidateHostname") {
            return .connection("TLS handshake failed: the agent's certificate does not name the host in this site's URL")
        }
        if text.contains("CERTIFICATE_REQUIRED") {
            return .connection("TLS handshake failed: the agent requires a client certificate (set [fleet] tls_client_certificate and tls_client_key)")
        }
        if ["ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_UNKNOWN", "ALERT_CERTIFICATE_EXPIRED"].contains(where: text.contains) {
            return .connection("TLS handshake failed: the agent refused the dashboard's client certificate")
        }
        if text.contains("handshakeFailed") { return .connection("TLS handshake failed") }
        if text.contains("refused") || text.contains("ECONNREFUSED") { return .connection("connection refused") }
        if text.contains("reset") { return .connection("connection reset") }
        if text.contains("unreachable") { return .connection("network unreachable") }
        return .connection(text.count > 160 ? String(text.prefix(160)) + "…" : text)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "body" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let c): return "wrong type at \(path(c.codingPath))"
        case .valueNotFound(_, let c): return "null at \(path(c.codingPath))"
        case .keyNotFound(let k, let c): return "missing \(path(c.codingPath + [k]))"
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not JSON" : "bad value at \(path(c.codingPath))"
        @unknown default: return "does not match the API"
        }
    }
}

