import NIOCore

/// An agent's answer to one poll: the HTTP status and the whole body.
public struct PollResponse: Sendable {
    public var status: Int
    public var body: ByteBuffer
}
