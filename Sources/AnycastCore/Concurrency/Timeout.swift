/// Runs `operation`, cancelling it and throwing `TimeoutError` if it takes longer than `limit`.
///
/// Every call to a network peer or a daemon goes through this (or a client's own deadline):
/// a hung peer must never hold up the caller.
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String = "operation",
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(what: what, limit: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}

/// An operation did not finish in time.
public struct TimeoutError: Error, Sendable, CustomStringConvertible {
    public var what: String
    public var limit: Duration

    public init(what: String, limit: Duration) {
        self.what = what
        self.limit = limit
    }

    public var description: String {
        let ms = limit.wholeMilliseconds
        return "\(what) timed out after \(ms) ms"
    }
}
