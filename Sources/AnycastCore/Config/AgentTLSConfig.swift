/// TLS on the agent's API (`[listen] tls_certificate`, `tls_key`, `tls_client_ca`): the
/// certificate chain and key it presents, and, for mutual TLS, the CA that must have signed
/// every client's certificate. Paths are absolute once loaded.
public struct AgentTLSConfig: Sendable, Hashable {
    /// PEM certificate chain, the agent's own certificate first.
    public var certificateFile: String
    /// PEM private key of that certificate (owner-only file).
    public var keyFile: String
    /// PEM CA certificates; when set, a client without a certificate signed by one of them is
    /// refused during the handshake (mutual TLS).
    public var clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}
