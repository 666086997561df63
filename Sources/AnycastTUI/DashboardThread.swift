import NIOCore
import NIOPosix

/// The full-screen dashboard runs on one thread, as top does: one event loop reads the
/// agents, fires the timers and runs every task (the poller, the screen's update, render and
/// paint). At idle a second's work is then one wake-up on one thread; with the concurrency
/// runtime's own pool, every hand-over between the loop, the poller and the screen woke
/// another thread (with the timers below, a third of the dashboard's CPU at one site, a
/// tenth at 100; see `EventLoopClock`).
/// Nothing the dashboard runs blocks for long: network calls are the loop's own, the screen's
/// writes are small, and the settings file is the one write with an fsync, once a change.
public enum DashboardThread {
    /// Makes NIO's shared event loop group one loop and the concurrency runtime's executor.
    /// Call it first in the process, before anything uses NIO or starts a task; once.
    public static func useOne() {
        NIOSingletons.groupLoopCountSuggestion = 1
        // Where the runtime does not offer the hook, tasks stay on its pool, as before.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
