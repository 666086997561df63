import NIOCore
import NIOHTTP1

/// One request of the poll transport, from connection to answer; confined to the event loop.
/// It finishes exactly once: with the response, an error, or the timeout.
final class PollExchange {
    let endpoint: AgentEndpoint
    let head: HTTPRequestHead
    let maxBytes: Int
    let timeoutMilliseconds: Int64
    let promise: EventLoopPromise<Result<PollResponse, AgentClientError>>
    /// The cycle's deadline, which ends the exchange as timed out if it is still going.
    var deadline: CycleDeadline?
    var channel: (any Channel)?
    /// The connection was reused from an earlier poll (it may have been closed meanwhile).
    var reused = false
    var status = 0
    var keepAlive = true
    var body: ByteBuffer?
    var sawHead = false
    private(set) var done = false
    /// Gives a kept-alive connection back to the transport.
    var release: ((any Channel, String) -> Void)?

    init(endpoint: AgentEndpoint, head: HTTPRequestHead, maxBytes: Int, timeoutMilliseconds: Int64,
         promise: EventLoopPromise<Result<PollResponse, AgentClientError>>) {
        self.endpoint = endpoint
        self.head = head
        self.maxBytes = maxBytes
        self.timeoutMilliseconds = timeoutMilliseconds
        self.promise = promise
    }

    func received(head: HTTPResponseHead) {
        sawHead = true
        status = Int(head.status.code)
        keepAlive = head.isKeepAlive
    }

    /// Appends a body part; false (and the exchange failed) when the body exceeds the cap.
    func received(body part: ByteBuffer) -> Bool {
        if body == nil { body = part } else { var p = part; body!.writeBuffer(&p) }
        if body!.readableBytes > maxBytes {
            fail(.responseTooLarge(limit: maxBytes))
            return false
        }
        return true
    }

    func complete() {
        guard !done else { return }
        done = true
        deadline?.ended()
        if let channel {
            if keepAlive, let release { release(channel, endpoint.key) } else { channel.close(promise: nil) }
        }
        promise.succeed(.success(PollResponse(status: status, body: body ?? ByteBuffer())))
    }

    func fail(_ error: AgentClientError) {
        guard !done else { return }
        done = true
        deadline?.ended()
        channel?.close(promise: nil)
        promise.succeed(.failure(error))
    }
}
