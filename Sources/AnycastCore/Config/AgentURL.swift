import Foundation

/// Checks agent base URLs: `http` or `https`, a host, no query or fragment.
public enum AgentURL {
    /// What is wrong with `text` as an agent URL, or `nil` if it is fine.
    public static func problem(with text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            return "not a URL"
        }
        guard scheme == "http" || scheme == "https" else { return "the scheme must be http or https" }
        guard let host = url.host, !host.isEmpty else { return "no host" }
        if let port = url.port, !(1...65535).contains(port) { return "port out of range" }
        if url.query != nil || url.fragment != nil { return "a query or fragment is not allowed" }
        return nil
    }
}
