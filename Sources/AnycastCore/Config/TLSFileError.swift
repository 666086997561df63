/// A TLS certificate, key or CA file that could not be loaded or used, with the reason.
public struct TLSFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
