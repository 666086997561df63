import Foundation

/// Where a bearer token comes from: a file, an environment variable, or the config itself.
public enum TokenSource: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case environment(String)
    case literal(String)

    /// Reads the token; a file's trailing newline is dropped.
    public func resolve(environment: [String: String]) throws(TokenResolutionError) -> String {
        switch self {
        case .literal(let value):
            return value
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw TokenResolutionError("environment variable \(name) is not set")
            }
            return value
        case .file(let path):
            try Self.checkPrivate(path)
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw TokenResolutionError("cannot read token file \(path): \(error.localizedDescription)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TokenResolutionError("token file \(path) is not UTF-8 text")
            }
            let token = String(text.trimmingWhitespace())
            guard !token.isEmpty else { throw TokenResolutionError("token file \(path) is empty") }
            return token
        }
    }

    /// A token file must be a regular file that only its owner can read or write (as ssh
    /// demands of private keys): a secret that moves traffic is not left readable by others.
    static func checkPrivate(_ path: String) throws(TokenResolutionError) {
        if let problem = OwnerOnlyFile.problem(path, what: "token file") { throw TokenResolutionError(problem) }
    }

    /// Says where the token comes from without revealing it.
    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .environment(let name): "env \(name)"
        case .literal: "inline value"
        }
    }
}

/// A token that could not be read.
public struct TokenResolutionError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
