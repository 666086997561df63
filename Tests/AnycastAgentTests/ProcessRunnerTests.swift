@testable import AnycastAgent
import Foundation
import Testing

/// Running a daemon's CLI: both output streams and the status come back, a missing program
/// and one past its deadline are errors, and a large answer does not stall on a full pipe.
@Suite struct ProcessRunnerTests {
    @Test func bothStreamsAndTheStatus() async throws {
        let out = try await ProcessRunner.run("/bin/sh", ["-c", "echo answer; echo complaint >&2; exit 3"], timeout: .seconds(10))
        #expect(out.status == 3)
        #expect(out.output == "answer\n")
        #expect(out.errorOutput == "complaint\n")
        #expect(out.combined == "answer\ncomplaint\n")
    }

    @Test func aLargeAnswerIsReadWhole() async throws {
        // 1 MiB, far more than a pipe holds: the reader must drain it while the child writes.
        let out = try await ProcessRunner.run("/bin/sh", ["-c", "head -c 1048576 /dev/zero | tr '\\0' x"], timeout: .seconds(20))
        #expect(out.status == 0 && out.output.utf8.count == 1_048_576)
    }

    @Test func aMissingProgramIsNamed() async {
        await #expect(throws: ProcessRunError.notFound("/nonexistent/vtysh")) {
            _ = try await ProcessRunner.run("/nonexistent/vtysh", [], timeout: .seconds(1))
        }
    }

    @Test func aProgramPastItsDeadlineIsKilled() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)").path
        await #expect(throws: ProcessRunError.timedOut("/bin/sh", .milliseconds(200))) {
            _ = try await ProcessRunner.run("/bin/sh", ["-c", "echo $$ > \(marker); exec sleep 30"], timeout: .milliseconds(200))
        }
        let pid = try #require(Int32(String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) != 0, "the child is gone, not left running")
        try? FileManager.default.removeItem(atPath: marker)
    }
}
