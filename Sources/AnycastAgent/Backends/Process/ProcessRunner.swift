import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end under a deadline, reading its output as it comes (so a large
/// answer never fills a pipe and stalls it). For daemons whose control interface is a CLI
/// (FRR's vtysh); Foundation's Process is the only portable spawner among the dependencies.
public enum ProcessRunner {
    public static func run(_ path: String, _ arguments: [String], timeout: Duration) async throws(ProcessRunError) -> ProcessOutput {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw .notFound(path) }
        let running = RunningProcess(path: path, arguments: arguments)
        do { try running.start() } catch { throw .couldNotStart(path, "\(error)") }
        let output: ProcessOutput? = await withTaskGroup(of: ProcessOutput?.self) { group in
            group.addTask { await running.finished() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            // The group waits for both children: a process past its deadline is killed so
            // that its `finished` returns.
            if first == nil { running.kill() }
            group.cancelAll()
            return first
        }
        guard let output else { throw .timedOut(path, timeout) }
        return output
    }
}

/// One child process: its pipes are drained on their own threads, and `finished` returns once
/// it has exited and both pipes are closed.
private final class RunningProcess: @unchecked Sendable {
    private let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private let lock = NSLock()
    private var status: Int32?
    private var outData: Data?
    private var errData: Data?
    private var waiter: CheckedContinuation<ProcessOutput, Never>?

    init(path: String, arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
    }

    func start() throws {
        process.terminationHandler = { [self] p in
            lock.withLock { status = p.terminationStatus }
            resumeIfDone()
        }
        try process.run()
        let reader = out.fileHandleForReading, errReader = err.fileHandleForReading
        DispatchQueue.global().async { [self] in
            let data = reader.readDataToEndOfFile()
            lock.withLock { outData = data }
            resumeIfDone()
        }
        DispatchQueue.global().async { [self] in
            let data = errReader.readDataToEndOfFile()
            lock.withLock { errData = data }
            resumeIfDone()
        }
    }

    func finished() async -> ProcessOutput {
        await withCheckedContinuation { c in
            lock.withLock { waiter = c }
            resumeIfDone()
        }
    }

    func kill() {
        let pid = process.processIdentifier
        if pid > 0 { _ = Glibc.kill(pid, SIGKILL) }
    }

    private func resumeIfDone() {
        let ready: (CheckedContinuation<ProcessOutput, Never>, ProcessOutput)? = lock.withLock {
            guard let waiter, let status, let outData, let errData else { return nil }
            self.waiter = nil
            return (waiter, ProcessOutput(status: status, output: String(decoding: outData, as: UTF8.self),
                                          errorOutput: String(decoding: errData, as: UTF8.self)))
        }
        if let (waiter, output) = ready { waiter.resume(returning: output) }
    }
}
