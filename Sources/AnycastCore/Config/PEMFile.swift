import Foundation

/// A PEM file named in a config (a TLS certificate, CA or private key), checked when the
/// config is loaded, so that a wrong path, a certificate and key given the wrong way round, or
/// a key readable by others is a config error with its line, not a failed connection later.
public enum PEMFile {
    /// What a PEM file must hold.
    public enum Content: Sendable {
        /// One or more certificates (`-----BEGIN CERTIFICATE-----`).
        case certificates
        /// A private key (`-----BEGIN ... PRIVATE KEY-----`); the file must be owner-only.
        case privateKey
    }

    /// What is wrong with `path` as a PEM file of `content` (`what` names it in the message), or nil.
    public static func problem(_ path: String, holds content: Content, what: String) -> String? {
        if content == .privateKey, let problem = OwnerOnlyFile.problem(path, what: what) { return problem }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            return "cannot read \(what) \(path): \(error.localizedDescription)"
        }
        let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
        switch content {
        case .certificates:
            guard text.contains("-----BEGIN CERTIFICATE-----") else {
                let hint = text.contains("PRIVATE KEY-----") ? " (it holds a private key: are the certificate and key the wrong way round?)" : ""
                return "\(what) \(path) holds no PEM certificate ('-----BEGIN CERTIFICATE-----')\(hint)"
            }
        case .privateKey:
            guard text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") else {
                let hint = text.contains("-----BEGIN CERTIFICATE-----") ? " (it holds a certificate: are the certificate and key the wrong way round?)" : ""
                return "\(what) \(path) holds no PEM private key ('-----BEGIN PRIVATE KEY-----')\(hint)"
            }
        }
        return nil
    }
}
