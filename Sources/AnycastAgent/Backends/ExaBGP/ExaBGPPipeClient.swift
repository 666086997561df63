import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends ExaBGP commands through its control pipes (`NAME.in`, `NAME.out`), as exabgpcli does,
/// without starting exabgpcli (a Python start, 100–170 ms, for each command). ExaBGP answers
/// each command with its lines and then `done` or `error`. Answers of commands sent at once
/// get mixed up on the one answer pipe, so the commands go one at a time, on a queue of their
/// own (the reads block, with a deadline).
public final class ExaBGPPipeClient: Sendable {
    public let pipe: String
    public let timeout: Duration
    private let queue = DispatchQueue(label: "anycast-agent.exabgp-pipe")

    public init(pipe: String, timeout: Duration) {
        self.pipe = pipe
        self.timeout = timeout
    }

    /// The lines ExaBGP answered before `done`.
    public func command(_ text: String) async throws(ExaBGPError) -> String {
        let pipe = self.pipe, timeout = self.timeout
        let result: Result<String, ExaBGPError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Self.exchange(text, pipe: pipe, timeout: timeout)) }
        }
        return try result.get()
    }

    private static func exchange(_ command: String, pipe: String, timeout: Duration) -> Result<String, ExaBGPError> {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        let reader = open(pipe + ".out", O_RDONLY | O_NONBLOCK)
        guard reader >= 0 else { return .failure(.pipes("\(pipe).out: \(String(cString: strerror(errno)))")) }
        defer { close(reader) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        // What an earlier, abandoned command left on the answer pipe is not this answer.
        while read(reader, &buffer, buffer.count) > 0 {}
        let writer = open(pipe + ".in", O_WRONLY | O_NONBLOCK)
        guard writer >= 0 else {
            let why = errno
            return .failure(why == ENXIO ? .daemonDown("\(pipe).in") : .pipes("\(pipe).in: \(String(cString: strerror(why)))"))
        }
        let line = Array((command + "\n").utf8)
        let written = line.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        close(writer)
        guard written == line.count else { return .failure(.pipes("\(pipe).in: the command was not written whole")) }
        var answer: [UInt8] = []
        var lines: [String] = []
        while Date() < deadline {
            var fds = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 10)
            if ready < 0 && errno != EINTR { return .failure(.pipes("\(pipe).out: \(String(cString: strerror(errno)))")) }
            guard ready > 0 else { continue }
            let n = read(reader, &buffer, buffer.count)
            if n <= 0 {
                // No writer at the moment: ExaBGP has not opened the answer pipe yet.
                usleep(5000)
                continue
            }
            answer += buffer[0..<n]
            while let newline = answer.firstIndex(of: 0x0A) {
                let text = String(decoding: answer[..<newline], as: UTF8.self)
                answer.removeSubrange(...newline)
                switch text {
                case "done": return .success(lines.map { $0 + "\n" }.joined())
                case "error": return .failure(.refused(command))
                case "shutdown": return .failure(.daemonDown("\(pipe).in (shutting down)"))
                default: lines.append(text)
                }
            }
        }
        return .failure(.timedOut(command))
    }
}
