import AnycastCore
import NIOSSL

/// The agent's TLS server settings (swift-nio-ssl), from the files its config names. Every
/// file is loaded and the key matched to the certificate here, at start, so a bad file stops
/// the agent with a clear message instead of failing each handshake.
public enum AgentTLS {
    /// TLS 1.2 or newer with the configured chain and key; with a client CA, every client
    /// must present a certificate that chains to it (mutual TLS).
    public static func serverConfiguration(_ config: AgentTLSConfig) throws(TLSFileError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try PEMLoader.certificates(config.certificateFile, what: "TLS certificate file").map { .certificate($0) },
            privateKey: try PEMLoader.privateKey(config.keyFile, what: "TLS key file"))
        tls.minimumTLSVersion = .tlsv12
        if let ca = config.clientCAFile {
            tls.trustRoots = .certificates(try PEMLoader.certificates(ca, what: "client CA file"))
            tls.certificateVerification = .noHostnameVerification
        }
        try PEMLoader.checkKeyMatches(tls, keyFile: config.keyFile, what: "TLS key file", certificateFile: config.certificateFile)
        return tls
    }
}
