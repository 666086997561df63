import AnycastCore
import NIOSSL

/// The dashboard's TLS client settings (swift-nio-ssl) for agents reached over https: the
/// fleet's CA file as the only trust roots when given (else the system's), and the client
/// certificate for agents that require one. Files are loaded here, at start, so a bad file
/// stops the dashboard with a clear message instead of failing every poll.
public enum AgentClientTLS {
    /// TLS 1.2 or newer, the agent's certificate checked against the CA and the URL's host.
    public static func configuration(_ config: FleetTLSConfig) throws(TLSFileError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let ca = config.caFile {
            tls.trustRoots = .certificates(try PEMLoader.certificates(ca, what: "CA file"))
        }
        if let certificate = config.clientCertificateFile, let keyFile = config.clientKeyFile {
            tls.certificateChain = try PEMLoader.certificates(certificate, what: "client certificate file").map { .certificate($0) }
            tls.privateKey = try PEMLoader.privateKey(keyFile, what: "client key file")
            try PEMLoader.checkKeyMatches(tls, keyFile: keyFile, what: "client key file", certificateFile: certificate)
        }
        return tls
    }
}
