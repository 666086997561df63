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
    private let timer = Mutex<Scheduled<Void>?>(nil)

    init(loop: any EventLoop, gap: TimeAmount, onGap: @escaping @Sendable () -> Void) {
        self.loop = loop
        self.gap = gap
        self.onGap = onGap
    }

    /// The clock moved now: the gap is counted again from here.
    func beat() {
        let next = loop.scheduleTask(in: gap) { [weak self] () -> Void in self?.lapsed() }
        timer.withLock { current in
            current?.cancel()
            current = next
        }
    }

    /// No more gaps are filled.
    func stop() {
        timer.withLock { current in
            current?.cancel()
            current = nil
        }
    }

    private func lapsed() {
        onGap()
        beat()
    }
}
