import NIOCore
import NIOPosix

/// Runs Swift tasks on the event loops that serve the agent's connections.
///
/// The agent's work per request is small; what costs is handing each request from the event
/// loop to the concurrency pool and the answer back, two thread wake-ups that on a virtual
/// machine cost more than the request itself. Under this executor's preference
/// (`withTaskExecutorPreference`), Hummingbird's connection tasks, the handlers and the
/// agent's actor run on the event loop thread that woke them, with no hand-off; work that
/// starts elsewhere goes to the group's next loop.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loops: give them to the HTTP server (`eventLoopGroupProvider: .shared(...)`).
    public let group: MultiThreadedEventLoopGroup

    public init(threads: Int = System.coreCount) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? group.next()
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
