import AnycastCore
import Synchronization

/// How many drains and undrains each token may send: a bucket of `perMinute` per token name,
/// refilled at `perMinute` a minute. A stolen or runaway operate token cannot flap a site.
final class ChangeRateLimiter: Sendable {
    let perMinute: Int
    private let buckets = Mutex<[String: (level: Double, at: ContinuousClock.Instant)]>([:])

    init(perMinute: Int) {
        self.perMinute = max(1, perMinute)
    }

    /// nil when `token` may make a change now (and counts it), else how long until it may.
    func admit(_ token: String, now: ContinuousClock.Instant = .now) -> Duration? {
        let rate = Double(perMinute) / 60  // per second
        return buckets.withLock { b -> Duration? in
            var (level, at) = b[token] ?? (Double(perMinute), now)
            level = min(Double(perMinute), level + (now - at).inSeconds * rate)
            guard level >= 1 else {
                b[token] = (level, now)
                return .milliseconds(Int64(((1 - level) / rate * 1000).rounded(.up)))
            }
            b[token] = (level - 1, now)
            return nil
        }
    }
}
