import AnycastCore

/// The traffic source of an agent whose config names none: every read fails with a clear
/// reason, so the status says "no data" (`qps: null` and an entry in `errors`), never 0.
public struct UnconfiguredTrafficSource: TrafficSource {
    public init() {}

    public func sample() async throws -> TrafficSample {
        throw BackendError(source: "traffic", message: "no traffic source configured (add a [traffic] section)")
    }
}
