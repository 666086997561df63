import NIOCore
import Synchronization

/// Moves the dashboard's clock when poll cycles do not: `onGap` runs once `gap` has passed
/// without a beat (a poll cycle arriving), and every `gap` after that while none comes.
///
/// Each beat pushes one timer of the event loop back. A tick task that slept until the gap
/// could have passed woke a tenth of a second after every cycle only to sleep again: a second
/// wake-up of the dashboard's thread every second at idle.
final class PollHeartbeat: Sendable {
    private let loop: any EventLoop
    private let gap: TimeAmount
    private let onGap: @Sendable () -> Void
    /// The timer waiting; `stopped` once no more gaps are to be filled.
    private let state = Mutex<(timer: Scheduled<Void>?, stopped: Bool)>((nil, false))

    init(loop: any EventLoop, gap: TimeAmount, onGap: @escaping @Sendable () -> Void) {
        self.loop = loop
        self.gap = gap
        self.onGap = onGap
    }

    /// The clock moved now: the gap is counted again from here.
    func beat() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.timer?.cancel()
            state.timer = loop.scheduleTask(in: gap) { [weak self] () -> Void in self?.lapsed() }
        }
    }

    /// No more gaps are filled, even by a tick under way.
    func stop() {
        state.withLock { state in
            state.stopped = true
            state.timer?.cancel()
            state.timer = nil
        }
    }

    private func lapsed() {
        onGap()
        beat()
    }
}
