import AnycastCore
import NIOSSL

/// Loads the PEM files a config names for swift-nio-ssl, each failure a `TLSFileError` that
/// names the file; shared by the agent's server settings and the dashboard's client settings.
enum PEMLoader {
    /// The certificates in `path` (at least one); `what` names the file in errors.
    static func certificates(_ path: String, what: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(path) } catch {
            throw TLSFileError("cannot load the \(what) \(path): \(error)")
        }
        guard !chain.isEmpty else { throw TLSFileError("the \(what) \(path) holds no certificate") }
        return chain
    }

    /// The private key in `path`; `what` names the file in errors.
    static func privateKey(_ path: String, what: String) throws(TLSFileError) -> NIOSSLPrivateKeySource {
        do { return .privateKey(try NIOSSLPrivateKey(file: path, format: .pem)) } catch {
            throw TLSFileError("cannot load the \(what) \(path): \(error)")
        }
    }

    /// Makes a context of `tls` once, so that a key that is not its certificate's is an error
    /// at start, naming both files.
    static func checkKeyMatches(_ tls: TLSConfiguration, keyFile: String, what: String, certificateFile: String) throws(TLSFileError) {
        do { _ = try NIOSSLContext(configuration: tls) } catch {
            throw TLSFileError("the \(what) \(keyFile) cannot be used with the certificate \(certificateFile): \(error)")
        }
    }
}
