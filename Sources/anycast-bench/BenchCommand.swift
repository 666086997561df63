import AnycastCore
import AnycastDashboard
import AnycastTerminal
import ArgumentParser
import Foundation

/// `anycast-bench`: in-process measurements behind BENCHMARKS.md.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anycast-bench",
        abstract: "In-process benchmarks of the dashboard (see BENCHMARKS.md).",
        subcommands: [FrameBench.self, PaintBench.self, ProfileBench.self, DecodeBench.self, StreamReadBench.self, PollBench.self, CoordinationTrafficBench.self])
}

/// Render cost of the fleet and table views into the cell grid, plus the diff.
struct FrameBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "frame", abstract: "Median time to render a frame and diff it against the previous one.")

    @Option(help: "Frames per measurement.") var iterations = 200
    @Option(help: "Terminal width.") var width = 200
    @Option(help: "Terminal height.") var height = 60

    func run() {
        for sites in [100, 1000] {
            for table in [false, true] {
                var state = SyntheticFleet.state(sites: sites, width: width, height: height, table: table)
                var previous = DashboardView.render(state)
                var samples: [Double] = []
                var changed = 0
                for i in 0..<iterations {
                    // Each frame moves the selection, as a held arrow key would: real work, no cache.
                    _ = DashboardUpdate.update(&state, .key(i % 2 == 0 ? .down : .up))
                    let start = ContinuousClock.now
                    let grid = DashboardView.render(state)
                    changed = grid.changedIndices(since: previous).count
                    let d = ContinuousClock.now - start
                    samples.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000)
                    previous = grid
                }
                samples.sort()
                let steady = DashboardView.render(state).changedIndices(since: DashboardView.render(state)).count
                print(String(format: "frame: %@ view, %4d sites, %dx%d: median %.3f ms, p99 %.3f ms (render + diff, %d iterations); cells changed by a selection move %d; by an identical frame %d",
                             table ? "table" : "fleet", sites, width, height, samples[samples.count / 2], samples[samples.count * 99 / 100], iterations, changed, steady))
            }
        }
    }
}

/// Bytes written to the terminal by `TerminalScreen.paint`: an identical frame must write none.
struct PaintBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "paint", abstract: "Bytes the terminal layer writes per frame (run in a terminal, e.g. under tmux).")

    @Option(help: "Write the result line to this file (the screen is in use while measuring).") var output: String?
    @Option(help: "Frames per measurement.") var frames = 100

    func run() async throws {
        let screen = TerminalScreen()
        let size = try await screen.start(theme: .builtinDefault, noColor: false)
        var state = SyntheticFleet.state(sites: 1000, width: size.width, height: size.height, table: true)
        let first = DashboardView.render(state)
        await screen.paint(first)
        let before = Self.bytesWritten()
        var cells = 0
        for _ in 0..<frames { cells += await screen.paint(first) }
        let identical = Self.bytesWritten() - before
        // One second later: the clock and one site's rate change.
        state.now = state.now.addingTimeInterval(1)
        let next = DashboardView.render(state)
        let before2 = Self.bytesWritten()
        let changedCells = await screen.paint(next)
        let oneTick = Self.bytesWritten() - before2
        await screen.stop()
        let line = "paint: \(size.width)x\(size.height), 1000-site table: \(frames) identical frames wrote \(identical) bytes (\(cells) cells); a clock tick wrote \(oneTick) bytes (\(changedCells) cells)\n"
        if let output { try line.write(toFile: output, atomically: true, encoding: .utf8) } else { print(line, terminator: "") }
    }

    /// Bytes this process has written (all file descriptors), from /proc/self/io.
    static func bytesWritten() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? -1
        }
        return -1
    }
}
