import AnycastCore
import Clocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// One site's `GET /v1/status/stream` connection and the updates it has brought since the
/// poller last took them; confined to the event loop.
final class StatusStream {
    enum Phase { case opening, open, closed }

    let endpoint: AgentEndpoint
    let maxBytes: Int
    let decoder: NIOLoopBoundBox<JSONDecoder>
    var phase = Phase.opening
    var channel: (any Channel)?
    /// Updates (and the failure that ended the stream, if one did) not yet taken; the first
    /// line of a stream opened for the whole history window is marked.
    var results = StreamResults()
    /// The stream was opened asking for the whole history window with its first line.
    let wholeHistory: Bool
    private var lines = 0
    /// The agent answered 404 or 405: it has no streams (an older agent), so poll it.
    var unsupported = false
    /// What `lastLine` is read from.
    let clock: AnyClock<Duration>
    /// When the last line arrived (or the stream was opened).
    var lastLine: AnyClock<Duration>.Instant
    /// Called once, when the first line or the failure of an opening stream arrives.
    var onFirst: (() -> Void)?
    /// Called once, when the agent refuses the stream as unknown (404 or 405).
    var onUnsupported: (() -> Void)?
    /// Called once, when the read the poller asked for has been done (or the stream closed).
    var onReadDone: (() -> Void)?
    /// The deadline of the cycle that opened the stream, until its first line arrives.
    var openDeadline: CycleDeadline?
    /// Part of a line is in and the rest is on its way. A read the channel was asked for
    /// goes on until the line ends; a stream that already holds lines reads the rest at the
    /// next take.
    var lineBegun = false
    /// The channel has been asked to read and has not read yet.
    var asked = false
    /// A descriptor of the stream's own socket (a duplicate of the channel's), to read lines
    /// that wait in the kernel without the event loop's help; -1 when there is none.
    var descriptor: CInt = -1
    /// The plain-HTTP connection's two ends, by which its descriptor is found.
    var connection: SocketDescriptor.Connection?
    /// How many reads found bytes waiting on `descriptor`.
    private(set) var directReads = 0
    /// The last update read, whose strings the next one reuses where they are the same.
    private var lastUpdate: StatusUpdate?
    private var parser: StatusStreamParser
    /// The rcode names shared with the set's other streams.
    private let rcodeNames: RcodeNamesPool
    private var events: [StatusStreamParser.Event] = []

    /// Most results held between two takes; a poller that stops taking them closes the stream.
    static let maxHeldResults = 64

    init(endpoint: AgentEndpoint, wholeHistory: Bool, maxBytes: Int, decoder: NIOLoopBoundBox<JSONDecoder>, clock: AnyClock<Duration>,
         rcodeNames: RcodeNamesPool = RcodeNamesPool()) {
        self.clock = clock
        self.rcodeNames = rcodeNames
        self.lastLine = clock.now
        self.endpoint = endpoint
        self.wholeHistory = wholeHistory
        self.maxBytes = maxBytes
        self.decoder = decoder
        self.parser = StatusStreamParser(maxLineBytes: maxBytes)
    }

    /// Bytes read from the connection: each event they complete is handled.
    func feed(_ bytes: inout ByteBuffer) {
        guard phase != .closed else { return }
        do {
            // Events are handled after the parser is done: handling one may close the stream.
            var events = self.events
            self.events = []
            try parser.feed(&bytes) { events.append($0) }
            for event in events { received(event) }
            events.removeAll(keepingCapacity: true)  // keeps no line (nor its receive buffer)
            self.events = events
        } catch {
            fail(Self.describe(error, cap: maxBytes))
        }
        lineBegun = parser.isPartway
    }

    /// The connection has closed: what the parser still holds is handled, then the stream closes.
    func inputEnded() {
        do {
            for event in try parser.closed() { received(event) }
            close()
        } catch {
            fail(Self.describe(error, cap: maxBytes))
        }
    }

    /// Reads what waits in the kernel on `descriptor`, through `buffer` (kept by the caller
    /// from one stream to the next), and feeds it. Stops at the first short read (the rest of
    /// a line on its way is left to the channel) and after 64 KiB, as NIO's own reads stop, so
    /// that one stream's backlog does not hold the others' turn. The end of the connection is
    /// left to the channel, which sees it too; an error (a reset) fails the stream, since the
    /// read that met it took it from the socket.
    func readWaiting(through buffer: inout ByteBuffer) {
        let size = 4096
        for _ in 0..<16 {
            guard phase == .open, descriptor >= 0 else { return }
            buffer.clear()
            let fd = descriptor
            var failure: CInt = 0
            let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
                // `recv`, not `read`: a socket's read goes through the file layer's checks
                // and notifications first, a fifth of the kernel's time for a line.
                let n = recv(fd, raw.baseAddress, min(raw.count, size), CInt(MSG_DONTWAIT))
                if n < 0 { failure = errno }
                return max(0, n)
            }
            if failure != 0 && failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR {
                fail(.connection(failure == ECONNRESET ? "connection reset" : String(cString: strerror(failure))))
                return
            }
            guard n > 0 else { return }
            directReads += 1
            feed(&buffer)
            if n < size { return }
        }
    }

    static func describe(_ failure: StatusStreamParser.Failure, cap: Int) -> AgentClientError {
        switch failure {
        case .tooLarge: .responseTooLarge(limit: cap)
        case .malformed(let why): .invalidResponse(why)
        case .cutShort(let why): .connection(why)
        case .speaksTLS: AgentClientError.speaksTLS
        }
    }

    func received(_ event: StatusStreamParser.Event) {
        guard phase != .closed else { return }
        switch event {
        case .line(let line):
            lastLine = clock.now
            lines += 1
            var update: StatusUpdate
            // Moved out, not read in place: a stored property passed as an argument is copied
            // first (a retain and a release of each of its references, each line).
            // Its points' array too: by now the poller has taken the update and merged its
            // points, so nothing else holds the array, and this line's points go into it.
            // The update is taken out whole: through `previous!` it would be copied.
            var spare: [RatePoint] = []
            let previous: StatusUpdate?
            if var last = lastUpdate.take() {
                swap(&spare, &last.history)
                previous = consume last
            } else {
                previous = nil
            }
            do {
                update = try AgentClient.decodeUpdate(status: 200, body: line, decoder: decoder.value, previous: previous, historyBuffer: &spare)
            } catch {
                // A line that is not an update: the stream is out of step with the API. It is
                // closed, and the next cycle opens it again (and fails again, like a poll would).
                fail(error)
                return
            }
            rcodeNames.share(&update.rcodes)
            lastUpdate = update
            results.append((.success(update), wholeHistory && lines == 1))
            phase = .open
            if results.count > Self.maxHeldResults {
                fail(.invalidResponse("more than \(Self.maxHeldResults) updates not taken"))
                return
            }
            firstArrived()
        case .refused(let status, let body):
            unsupported = status == 404 || status == 405
            if unsupported, let onUnsupported {
                self.onUnsupported = nil
                onUnsupported()
            }
            let error: AgentClientError
            do {
                _ = try AgentClient.decode(APIErrorBody.self, status: status, body: body, decoder: decoder.value)
                error = .invalidResponse("HTTP \(status) to a status stream")
            } catch let e {
                error = e
            }
            fail(error)
        case .ended:
            // The agent is stopping or restarting: no failure (the next cycle opens it again,
            // and a refused connection then is the failure).
            close()
        }
    }

    func fail(_ error: AgentClientError) {
        guard phase != .closed else { return }
        results.append((.failure(error), false))
        close()
    }

    func close() {
        guard phase != .closed else { return }
        phase = .closed
        channel?.close(promise: nil)
        channel = nil
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
        firstArrived()
        readDone()
    }

    /// The read asked for is over.
    func readDone() {
        if let onReadDone {
            self.onReadDone = nil
            onReadDone()
        }
    }

    /// Everything received since the last take.
    func take() -> StreamResults {
        var taken = StreamResults()
        swap(&taken, &results)
        return taken
    }

    private func firstArrived() {
        openDeadline?.ended()
        openDeadline = nil
        if let onFirst {
            self.onFirst = nil
            onFirst()
        }
    }
}
