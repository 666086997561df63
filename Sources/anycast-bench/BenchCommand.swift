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
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Median time to render a frame and diff it against the previous one, and to filter and sort the table.")

    @Option(help: "Frames per measurement.") var iterations = 200
    @Option(help: "Terminal width.") var width = 200
    @Option(help: "Terminal height.") var height = 60
    @Option(parsing: .upToNextOption, help: "Fleet sizes.") var sites: [Int] = [100, 1000, 2000]

    func run() {
        for sites in sites {
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
                    samples.append(Self.milliseconds(since: start))
                    previous = grid
                }
                let steady = DashboardView.render(state).changedIndices(since: DashboardView.render(state)).count
                print(String(format: "frame: %@ view, %4d sites, %dx%d: %@ (render + diff, %d iterations); cells changed by a selection move %d; by an identical frame %d",
                             table ? "table" : "fleet", sites, width, height, Self.summary(samples), iterations, changed, steady))
            }
            tableChanges(sites: sites)
        }
    }

    /// A filter typed and a sort chosen in the table, each with the frame that shows it: the
    /// time from the key to a frame ready to paint.
    func tableChanges(sites: Int) {
        var state = SyntheticFleet.state(sites: sites, width: width, height: height, table: true)
        // Typed a letter at a time, then cleared: narrow, narrower, a region, nothing.
        let filters = ["s", "s0", "s01", "s012", "", "eu", ""]
        var filtering: [Double] = []
        for i in 0..<iterations {
            let start = ContinuousClock.now
            state.filter = filters[i % filters.count]
            _ = DashboardView.render(state)
            filtering.append(Self.milliseconds(since: start))
        }
        state.filter = ""
        var sorting: [Double] = []
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            _ = DashboardUpdate.update(&state, .key(.character("s")))
            _ = DashboardView.render(state)
            sorting.append(Self.milliseconds(since: start))
        }
        print(String(format: "table-change: %4d sites, %dx%d: filter %@; sort %@ (state change + frame, %d iterations)",
                     sites, width, height, Self.summary(filtering), Self.summary(sorting), iterations))
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds * 1000
    }

    static func summary(_ samples: [Double]) -> String {
        let sorted = samples.sorted()
        return String(format: "median %.3f ms, p99 %.3f ms", sorted[sorted.count / 2], sorted[sorted.count * 99 / 100])
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
        let painter = await screen.writesFramesItself ? "terminfo strings" : "curses"
        await screen.stop()
        let line = "paint: \(size.width)x\(size.height), 1000-site table, painted with \(painter): \(frames) identical frames wrote \(identical) bytes (\(cells) cells); a clock tick wrote \(oneTick) bytes (\(changedCells) cells)\n"
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
