import AnycastCore
import Foundation
import NIOHTTP1

/// Where a site's agent listens, parsed once from its configured URL, with the request
/// headers every poll of it sends. Immutable and shared: every cycle's plan names each site's
/// endpoint, and as a value each of those was a copy of its strings and headers.
public final class AgentEndpoint: Sendable, Equatable {
    public let host: String
    public let port: Int
    /// Whether the agent is reached over TLS (those polls go through AsyncHTTPClient).
    public let tls: Bool
    /// Path prefix of the agent's API (usually empty).
    public let basePath: String
    let headers: HTTPHeaders
    /// Connections are shared by endpoints with the same key (host and port).
    let key: String

    /// `nil` when `site.url` is not an http(s) URL with a host.
    public init?(site: SiteConfig) {
        guard let url = URL(string: site.url), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else { return nil }
        self.tls = scheme == "https"
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = url.port ?? (tls ? 443 : 80)
        let path = url.path
        self.basePath = path.hasSuffix("/") ? String(path.dropLast()) : path
        let hostHeader = self.host.contains(":") ? "[\(self.host)]:\(port)" : "\(self.host):\(port)"
        self.key = hostHeader
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "anycast-dash")
        if let token = site.token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        self.headers = headers
    }

    public static func == (a: AgentEndpoint, b: AgentEndpoint) -> Bool {
        a === b || (a.host == b.host && a.port == b.port && a.tls == b.tls && a.basePath == b.basePath && a.headers == b.headers && a.key == b.key)
    }
}
