/// How the dashboard checks agents reached over https (`[fleet] tls_ca_file`,
/// `tls_client_certificate`, `tls_client_key`): the CA their certificates must chain to (the
/// system's trust store when unset) and the client certificate for agents that demand one
/// (mutual TLS). Paths are absolute once loaded.
public struct FleetTLSConfig: Sendable, Hashable {
    /// PEM CA certificates that agents' certificates must chain to; nil: the system's.
    public var caFile: String?
    /// PEM certificate chain the dashboard presents to agents that ask for one.
    public var clientCertificateFile: String?
    /// PEM private key of the client certificate (owner-only file).
    public var clientKeyFile: String?

    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }

    /// No CA file and no client certificate: the system's trust store, no client certificate.
    public var isDefault: Bool { caFile == nil && clientCertificateFile == nil && clientKeyFile == nil }
}
