import AnycastCore
import Foundation

/// The agent's recent events in memory, numbered by a strictly increasing sequence.
struct EventLog: Sendable {
    private var ring: RingBuffer<AgentEvent>
    private(set) var lastSeq: UInt64 = 0

    init(capacity: Int = 10_000) { ring = RingBuffer(capacity: capacity) }

    @discardableResult
    mutating func record(
        _ kind: EventKind, actor: String, service: String? = nil, message: String, at time: Date
    ) -> AgentEvent {
        lastSeq += 1
        let event = AgentEvent(seq: lastSeq, time: time, kind: kind, actor: actor, service: service, message: message)
        ring.append(event)
        return event
    }

    /// Events after `seq`, oldest first, at most `limit`.
    func events(after seq: UInt64, limit: Int) -> [AgentEvent] {
        var result: [AgentEvent] = []
        for e in ring where e.seq > seq {
            result.append(e)
            if result.count >= limit { break }
        }
        return result
    }
}
