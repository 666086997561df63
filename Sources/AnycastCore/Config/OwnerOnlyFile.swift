import Foundation

/// A file holding a secret (a bearer token, a TLS private key) must be a regular file that
/// only its owner can read or write, as ssh demands of private keys.
public enum OwnerOnlyFile {
    /// What is wrong with `path` as a secret file (`what` names it, e.g. "token file"), or nil.
    public static func problem(_ path: String, what: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "cannot read \(what) \(path): \(String(cString: strerror(errno)))" }
        guard info.st_mode & S_IFMT == S_IFREG else { return "\(what) \(path) is not a regular file" }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            return "\(what) \(path) is accessible by others (mode \(String(mode, radix: 8))); "
                + "it must be readable by its owner only: chmod 600 \(path)"
        }
        return nil
    }
}
