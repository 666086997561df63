import Foundation

/// One reading of a monotonic counter (e.g. a DNS server's total query count).
public struct CounterSample: Sendable, Hashable {
    public var value: UInt64
    public var time: Date

    public init(value: UInt64, time: Date) {
        self.value = value
        self.time = time
    }
}
