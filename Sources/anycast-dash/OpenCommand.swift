import AnycastCore
import AnycastDashboard
import AnycastPoller
import AnycastTUI
import ArgumentParser
import Foundation
import Logging

/// `anycast-dash [open] [--fleet F | --demo] [--monitor] [--theme NAME] [--operator NAME]`: the
/// full-screen dashboard, the default subcommand.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the full-screen dashboard.")

    @OptionGroup var source: FleetOptions

    @Flag(name: .long, help: "Read-only, for wallboards and watchers: no drain or undrain, only read tokens are sent.")
    var monitor = false

    @Option(name: .long, help: "Colour theme (default: the fleet config's, else 'default').")
    var theme: String?

    @Option(name: .long, help: "Folder searched first for themes.")
    var themeDir: String?

    @Option(name: .long, help: "Operator name for drains (default: the login name).")
    var `operator`: String?

    @Flag(name: .long, help: "Leave the mouse to the terminal (also: mouse = false in [fleet]).")
    var noMouse = false

    @Flag(name: .long, help: "Start with the defaults: do not read or write the saved theme, view, sort, filter and columns.")
    var noState = false

    func run() async throws {
        DashboardThread.useOne()  // first: before anything starts an event loop or a task
        HeapTrimmer.limitHeaps(to: 2)  // before the event loop and the runtime's threads allocate
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }  // nothing may write over the screen
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(Data("anycast-dash: the dashboard needs a terminal; for scripts use 'anycast-dash snapshot'\n".utf8))
            throw ExitCode(2)
        }
        let logger = Logger(label: "anycast-dash")
        let opened = try await source.open(logger: logger)
        var config = opened.config.forPolling()
        if monitor {
            do { config = try opened.config.readOnly() } catch {
                await opened.close()
                FileHandle.standardError.write(Data("anycast-dash: \(error.description)\n".utf8))
                throw ExitCode(2)
            }
        }
        let env = ProcessInfo.processInfo.environment
        let themes = ThemeLibrary.standard(themeDir: themeDir, environment: env, executablePath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        // Drains go out with the operate tokens of the original config; polling uses read tokens.
        var options = DashboardOptions(
            config: config, drainSites: monitor ? [] : opened.config.sites, mode: monitor ? .monitor : .live,
            operatorName: OperatorName.resolve(`operator`), themes: themes,
            themeName: theme ?? opened.config.theme ?? "default", noColor: !(env["NO_COLOR"] ?? "").isEmpty)
        options.mouse = !noMouse && opened.config.mouse
        // Per fleet, and not for the demo: its settings are nobody's to keep.
        if !noState && !source.demo { options.settings = SettingsStore.forFleet(opened.config.name, environment: env) }
        if let watcher = opened.watcher, let locks = opened.locks {
            options.coordination = DashboardCoordination(watcher: watcher, locks: locks)
        }
        do {
            try await DashboardRuntime.run(options, client: opened.client)
        } catch {
            await opened.close()
            FileHandle.standardError.write(Data("anycast-dash: \(error)\n".utf8))
            throw ExitCode(2)
        }
        await opened.close()
    }
}
