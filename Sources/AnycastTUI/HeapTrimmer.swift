#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Gives the C heap's free pages back to the system (glibc's `malloc_trim`).
///
/// glibc keeps the pages that short-lived allocations freed (and, when the work ran on several
/// threads, a heap per thread), so a long-running dashboard with 1000 sites held about twice
/// its live heap as resident memory (BENCHMARKS.md, memory). A trim costs a walk of the free lists, and the pages it gives
/// back are faulted in again when used: the runtime trims every 10 seconds.
/// Limiting glibc to two heaps (`mallopt(M_ARENA_MAX, 2)`, as many long-running servers
/// do) keeps those freed pages reusable across threads. Elsewhere than glibc this does nothing.
public enum HeapTrimmer {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Option = @convention(c) (Int32, Int32) -> Int32
    /// glibc's `M_ARENA_MAX`.
    private static let arenaMaxOption: Int32 = -8

    #if canImport(Glibc)
    private static let trim: Trim? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()
    private static let mallopt: Option? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: Option.self)
    }()
    #else
    private static let trim: Trim? = nil
    private static let mallopt: Option? = nil
    #endif

    /// At most `count` heaps for all threads; call before the threads start. True if set.
    @discardableResult
    public static func limitHeaps(to count: Int32) -> Bool {
        guard let mallopt else { return false }
        return mallopt(arenaMaxOption, count) == 1
    }

    /// Returns free heap pages to the system; true if the platform can.
    @discardableResult
    public static func trimNow() -> Bool {
        guard let trim else { return false }
        _ = trim(0)
        return true
    }

    /// When the last trim by this call was.
    private static let lastTrim = Mutex(ContinuousClock.now)

    /// Trims when `interval` has passed since this call last trimmed: every 10 s by default.
    /// Each trim gives pages back that the next frames fault in again; since frames reuse
    /// their storage, trimming every 2 s kept no less memory at 1,000 sites and cost three
    /// times the page faults.
    public static func trimIfDue(every interval: Duration = .seconds(10)) {
        let due = lastTrim.withLock { last in
            guard ContinuousClock.now - last >= interval else { return false }
            last = .now
            return true
        }
        if due { trimNow() }
    }
}
