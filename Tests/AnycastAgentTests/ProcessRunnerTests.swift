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

    @Test func aProgramThatClosesItsOutputAndHangsIsKilledAtTheDeadline() async throws {
        await #expect(throws: ProcessRunError.timedOut("/bin/sh", .milliseconds(200))) {
            _ = try await ProcessRunner.run("/bin/sh", ["-c", "exec >&- 2>&-; sleep 30"], timeout: .milliseconds(200))
        }
    }

    @Test func aSignalEndingTheProgramIsItsStatus() async throws {
        let out = try await ProcessRunner.run("/bin/sh", ["-c", "kill -TERM $$"], timeout: .seconds(10))
        #expect(out.status == SIGTERM)
    }

    @Test func theChildInheritsNoDescriptorButItsOwn() async throws {
        // A descriptor the agent holds open without close-on-exec is not passed on.
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        let out = try await ProcessRunner.run("/bin/sh", ["-c", "ls /proc/self/fd"], timeout: .seconds(10))
        let inherited = out.output.split(separator: "\n").compactMap { Int32($0) }
        #expect(!inherited.contains(fd), "fd \(fd) leaked into the child: \(inherited)")
    }

    @Test func manyRunsAtOnceAllAnswer() async throws {
        // Many children started from many threads at once, as the agent's backends do.
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<64 { group.addTask { try await ProcessRunner.run("/bin/echo", ["\(i)"], timeout: .seconds(20)).output } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(answers.count == 64)
    }
}
