import Synchronization

/// The open `GET /v1/status/stream` answers of one agent: each is told when the agent's status
/// has moved on (after a refresh, a drain or an undrain) and then sends its next line.
///
/// A reader that falls behind misses nothing: the signal keeps only the newest wake-up and
/// the next line carries everything since the reader's last line. While streams are open a
/// heartbeat wakes them when nothing else has for `heartbeat`, so a refresh held up by a
/// hung backend does not make a healthy agent look silent.
final class StatusStreamHub: Sendable {
    private struct Subscribers {
        var next = 0
        var open: [Int: AsyncStream<Void>.Continuation] = [:]
        var lastNotify = ContinuousClock.now
        var heartbeatRunning = false
    }

    /// Most streams open at once; more are answered 503.
    let limit: Int
    /// Longest time a stream goes without a line while the agent runs.
    let heartbeat: Duration
    private let subscribers = Mutex(Subscribers())

    init(limit: Int, heartbeat: Duration = .seconds(1)) {
        self.limit = limit
        self.heartbeat = heartbeat
    }

    /// A new subscription, or nil when `limit` streams are open.
    func subscribe() -> AsyncStream<Void>? {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let added: (id: Int, startHeartbeat: Bool)? = subscribers.withLock { s in
            guard s.open.count < limit else { return nil }
            s.next += 1
            s.open[s.next] = continuation
            defer { s.heartbeatRunning = true }
            return (s.next, !s.heartbeatRunning)
        }
        guard let added else { return nil }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.open.removeValue(forKey: added.id) }
        }
        if added.startHeartbeat {
            Task { [weak self] in await self?.beat() }
        }
        return stream
    }

    /// Wakes every subscriber.
    func notify() {
        let open = subscribers.withLock { s in
            s.lastNotify = .now
            return Array(s.open.values)
        }
        for c in open { c.yield() }
    }

    /// Ends every subscription (the agent is stopping).
    func finishAll() {
        let open = subscribers.withLock { s in
            defer { s.open = [:] }
            return Array(s.open.values)
        }
        for c in open { c.finish() }
    }

    /// Streams open now.
    var count: Int { subscribers.withLock { $0.open.count } }

    /// Runs while any stream is open: wakes the streams when nothing has for `heartbeat`.
    private func beat() async {
        while true {
            try? await Task.sleep(for: heartbeat / 4)
            let due: Bool? = subscribers.withLock { s in
                if s.open.isEmpty {
                    s.heartbeatRunning = false
                    return nil
                }
                return s.lastNotify + heartbeat <= .now
            }
            guard let due else { return }
            if due { notify() }
        }
    }
}
