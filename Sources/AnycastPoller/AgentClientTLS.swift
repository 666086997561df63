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
            tls.trustRoots = .certificates(try certificates(ca, what: "CA file"))
        }
        if let certificate = config.clientCertificateFile, let keyFile = config.clientKeyFile {
            tls.certificateChain = try certificates(certificate, what: "client certificate file").map { .certificate($0) }
            do { tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)) } catch {
                throw TLSFileError("cannot load the client key file \(keyFile): \(error)")
            }
            do { _ = try NIOSSLContext(configuration: tls) } catch {
                throw TLSFileError("the client key file \(keyFile) cannot be used with the certificate \(certificate): \(error)")
            }
        }
        return tls
    }

    static func certificates(_ path: String, what: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(path) } catch {
            throw TLSFileError("cannot load the \(what) \(path): \(error)")
        }
        guard !chain.isEmpty else { throw TLSFileError("the \(what) \(path) holds no certificate") }
        return chain
    }
}
