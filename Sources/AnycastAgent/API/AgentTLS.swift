import AnycastCore
import NIOSSL

/// The agent's TLS server settings (swift-nio-ssl), from the files its config names. Every
/// file is loaded and the key matched to the certificate here, at start, so a bad file stops
/// the agent with a clear message instead of failing each handshake.
public enum AgentTLS {
    /// TLS 1.2 or newer with the configured chain and key; with a client CA, every client
    /// must present a certificate that chains to it (mutual TLS).
    public static func serverConfiguration(_ config: AgentTLSConfig) throws(TLSFileError) -> TLSConfiguration {
        let chain = try certificates(config.certificateFile, what: "TLS certificate file")
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: config.keyFile, format: .pem) } catch {
            throw TLSFileError("cannot load the TLS key file \(config.keyFile): \(error)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        if let ca = config.clientCAFile {
            tls.trustRoots = .certificates(try certificates(ca, what: "client CA file"))
            tls.certificateVerification = .noHostnameVerification
        }
        do { _ = try NIOSSLContext(configuration: tls) } catch {
            throw TLSFileError("the TLS key file \(config.keyFile) cannot be used with the certificate \(config.certificateFile): \(error)")
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
