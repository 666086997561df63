import NIOCore
import Synchronization

/// The encoded `GET /v1/status` answer, readable without a hop onto the agent's actor.
///
/// The agent bumps `generation` on every change of what its status shows and stores each
/// answer it encodes with the generation it encoded; a stored answer is served only while
/// that generation is current. Both happen on the agent's actor, so an answer can never be
/// stored for a state that has already moved on.
final class EncodedStatusCache: Sendable {
    private struct Entry {
        var generation: UInt64 = 0
        var stored: (generation: UInt64, points: Int, body: ByteBuffer)?
    }

    private let entry = Mutex(Entry())

    /// Marks every answer encoded before `generation` as out of date.
    func invalidate(generation: UInt64) {
        entry.withLock { $0.generation = generation }
    }

    /// Stores `body`, encoded from the state at `generation`, for requests of `points` points.
    func store(_ body: ByteBuffer, generation: UInt64, points: Int) {
        entry.withLock { $0.stored = (generation, points, body) }
    }

    /// The current answer for `points` history points, if one is stored.
    func body(points: Int) -> ByteBuffer? {
        entry.withLock { e in
            guard let s = e.stored, s.generation == e.generation, s.points == points else { return nil }
            return s.body
        }
    }
}
