import AnycastCore
import Foundation

/// The agent's recent events in memory, numbered by a strictly increasing sequence.
struct EventLog: Sendable {
    private var ring: ChunkedRing<AgentEvent>
    private(set) var lastSeq: UInt64 = 0

    init(capacity: Int = 10_000) { ring = ChunkedRing(capacity: capacity) }

    /// Numbers `event` and keeps it.
    @discardableResult
    mutating func record(_ event: AgentEvent) -> AgentEvent {
        lastSeq += 1
        var numbered = event
        numbered.seq = lastSeq
        ring.append(numbered)
        return numbered
    }

    /// Puts back events kept from an earlier run (the audit log), oldest first; numbering
    /// continues after the highest.
    mutating func restore(_ events: [AgentEvent]) {
        for e in events where e.seq > lastSeq {
            ring.append(e)
            lastSeq = e.seq
        }
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
