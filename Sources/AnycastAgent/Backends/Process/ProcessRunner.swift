import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end under a deadline, reading its output as it comes (so a large
/// answer never fills a pipe and stalls it). For daemons whose control interface is a CLI
/// (FRR's vtysh, the gobgp CLI).
///
/// Spawned with posix_spawn, not Foundation's Process: on Linux (Swift 6.3.1) `Process.run`
/// copies whole `dirent` names while it lists /proc/self/fd, reading past the end of glibc's
/// buffer, and now and then crashes the agent (SIGSEGV in memcpy under `Process.run`, seen in
/// the lab with vtysh and gobgp run every second). None of the dependencies spawns processes.
public enum ProcessRunner {
    public static func run(_ path: String, _ arguments: [String], timeout: Duration) async throws(ProcessRunError) -> ProcessOutput {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw .notFound(path) }
        // The child is waited for on a thread of its own: poll and waitpid block.
        let result: Result<ProcessOutput, ProcessRunError> = await withCheckedContinuation { c in
            DispatchQueue.global().async { c.resume(returning: ChildProcess.run(path, arguments, timeout: timeout)) }
        }
        return try result.get()
    }
}

/// One child process, started, read and waited for on the calling thread.
enum ChildProcess {
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift's Glibc module
    /// leaves it out): the child closes every descriptor from 3 up, so it inherits nothing of
    /// the agent's but its pipes.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    static func run(_ path: String, _ arguments: [String], timeout: Duration) -> Result<ProcessOutput, ProcessRunError> {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { return .failure(.couldNotStart(path, errnoText())) }
        guard pipe(&errPipe) == 0 else {
            let why = errnoText()
            close(outPipe[0]); close(outPipe[1])
            return .failure(.couldNotStart(path, why))
        }
        // Not passed on to children that other threads start meanwhile (pipe2 with O_CLOEXEC
        // is not in Swift's Glibc module).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        _ = closeFrom?(&actions, 3)

        // The child starts with no signal blocked and SIGPIPE at its default (the agent ignores it).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), defaults = sigset_t()
        sigemptyset(&noSignals)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            return .failure(.couldNotStart(path, String(cString: strerror(spawned))))
        }

        let deadline = ContinuousClock.now.advanced(by: timeout)
        var (out, err, timedOut) = drain(outPipe[0], errPipe[0], until: deadline)
        var status: Int32 = 0
        // A child that closed its output may still be running: it too has until the deadline.
        while !timedOut {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid || (waited < 0 && errno != EINTR) { break }
            if ContinuousClock.now >= deadline { timedOut = true } else { usleep(2000) }
        }
        if timedOut {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return .failure(.timedOut(path, timeout))
        }
        // Exited: its status; killed by a signal: the signal's number (as Process reported it).
        let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
        return .success(ProcessOutput(status: exit, output: String(decoding: out, as: UTF8.self),
                                      errorOutput: String(decoding: err, as: UTF8.self)))
    }

    /// Reads both pipes until each is closed or the deadline passes; closes them.
    private static func drain(_ outFD: Int32, _ errFD: Int32, until deadline: ContinuousClock.Instant)
        -> (out: [UInt8], err: [UInt8], timedOut: Bool)
    {
        var fds = [pollfd(fd: outFD, events: Int16(POLLIN), revents: 0), pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)]
        var read: [[UInt8]] = [[], []]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var timedOut = false
        while fds.contains(where: { $0.fd >= 0 }) {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { timedOut = true; break }
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&fds, nfds_t(fds.count), ms)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    read[i].append(contentsOf: buffer[0..<n])
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                }
            }
        }
        for f in fds where f.fd >= 0 { close(f.fd) }
        return (read[0], read[1], timedOut)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
