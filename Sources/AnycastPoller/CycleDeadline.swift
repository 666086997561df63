import NIOCore
import Synchronization

/// The moment by which everything one poll cycle asked of the agents must be over: its polls,
/// its streams' openings, and the reading of a line begun. When it passes, whatever is still
/// waiting ends as timed out.
///
/// One deadline serves a whole cycle, so a cycle costs one timer, not one per request. The
/// poller fires it from its own clock: on a test clock, requests time out when the test moves
/// time, not when the wall clock says so.
public final class CycleDeadline: Sendable {
    public let eventLoop: any EventLoop
    private let state: NIOLoopBoundBox<State>
    /// Requests begun and not yet over; read from any thread.
    private let open = Mutex(0)

    private struct State {
        var passed = false
        var actions: [() -> Void] = []
    }

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// A deadline that passes `timeout` from now on the event loop's own (wall-clock) timer,
    /// for a request made outside a cycle.
    public static func after(_ timeout: Duration, on eventLoop: any EventLoop) -> CycleDeadline {
        let deadline = CycleDeadline(eventLoop: eventLoop)
        eventLoop.scheduleTask(in: .milliseconds(timeout.wholeMilliseconds)) { deadline.pass() }
        return deadline
    }

    /// How many requests are still waiting for an answer.
    public var waiting: Int { open.withLock { $0 } }

    /// Registers a request that is still waiting; `expire` ends it when the deadline passes
    /// (at once if it has), and must do nothing if it is over by then. Call `ended()` once
    /// when it is over. On the event loop.
    func begin(expire: @escaping () -> Void) {
        eventLoop.preconditionInEventLoop()
        open.withLock { $0 += 1 }
        if state.value.passed { expire() } else { state.value.actions.append(expire) }
    }

    /// One request begun with `begin` is over.
    func ended() {
        open.withLock { $0 -= 1 }
    }

    /// Runs `action` when the deadline passes (at once if it has), without counting a
    /// request. On the event loop.
    func onPass(_ action: @escaping () -> Void) {
        eventLoop.preconditionInEventLoop()
        if state.value.passed { action() } else { state.value.actions.append(action) }
    }

    /// The deadline passes: every waiting request ends. From any thread; once is enough.
    public func pass() {
        eventLoop.execute { [self] in
            guard !state.value.passed else { return }
            let actions = state.value.actions
            state.value = State(passed: true, actions: [])
            for action in actions { action() }
        }
    }
}
