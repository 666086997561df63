@testable import AnycastAgent
import Foundation
import Testing

/// The control-pipe exchange, against a stand-in for ExaBGP's end of the two FIFOs (the real
/// ExaBGP is scripts/acceptance/exabgp-agent.sh): answers up to `done`, `error` as a refusal,
/// no reader as ExaBGP not running, missing pipes, an answer that never ends.
@Suite(.serialized) struct ExaBGPPipeClientTests {
    static func pipes() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exabgp-pipe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/x.in", 0o600) == 0 && mkfifo(dir + "/x.out", 0o600) == 0)
        return dir + "/x"
    }

    /// Reads one command from `pipe.in` and writes `answer` to `pipe.out`, as ExaBGP does. The
    /// command pipe is open before this returns, as ExaBGP keeps it (read and write, so the
    /// open does not wait for a writer).
    static func answerOnce(_ pipe: String, _ answer: String) -> Thread {
        let input = open(pipe + ".in", O_RDWR)
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var command: [UInt8] = []
            while !command.contains(0x0A) {
                let n = read(input, &buffer, buffer.count)
                if n <= 0 { break }
                command += buffer[0..<n]
            }
            close(input)
            let output = open(pipe + ".out", O_WRONLY)
            let bytes = Array(answer.utf8)
            _ = bytes.withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            close(output)
        }
        thread.start()
        return thread
    }

    @Test func theLinesBeforeDone() async throws {
        let pipe = try Self.pipes()
        _ = Self.answerOnce(pipe, "neighbor 198.51.100.1 ipv4 unicast 203.0.113.0/24 next-hop self\ndone\n")
        let answer = try await ExaBGPPipeClient(pipe: pipe, timeout: .seconds(5)).command("show adj-rib out")
        #expect(answer == "neighbor 198.51.100.1 ipv4 unicast 203.0.113.0/24 next-hop self\n")
    }

    @Test func errorIsARefusal() async throws {
        let pipe = try Self.pipes()
        _ = Self.answerOnce(pipe, "error\n")
        await #expect(throws: ExaBGPError.refused("show bgp summary")) {
            _ = try await ExaBGPPipeClient(pipe: pipe, timeout: .seconds(5)).command("show bgp summary")
        }
    }

    @Test func nobodyReadingIsExaBGPNotRunning() async throws {
        let pipe = try Self.pipes()
        await #expect(throws: ExaBGPError.daemonDown(pipe + ".in")) {
            _ = try await ExaBGPPipeClient(pipe: pipe, timeout: .seconds(1)).command("show neighbor summary")
        }
    }

    @Test func missingPipesAreNamed() async {
        await #expect(throws: ExaBGPError.pipes("/nonexistent/exabgp.out: No such file or directory")) {
            _ = try await ExaBGPPipeClient(pipe: "/nonexistent/exabgp", timeout: .seconds(1)).command("show neighbor summary")
        }
    }

    @Test func anAnswerWithoutItsEndTimesOut() async throws {
        let pipe = try Self.pipes()
        _ = Self.answerOnce(pipe, "half an answer\n")
        await #expect(throws: ExaBGPError.timedOut("show neighbor extensive")) {
            _ = try await ExaBGPPipeClient(pipe: pipe, timeout: .milliseconds(300)).command("show neighbor extensive")
        }
    }
}
