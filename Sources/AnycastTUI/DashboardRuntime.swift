import AnycastCore
import AnycastDashboard
import AnycastPoller
import AnycastTerminal
import Clocks
import Foundation
import NIOPosix
import UnixSignals

/// Runs the full-screen dashboard: feeds poll results, keys, the clock and signals into the
/// update function as events, carries out its effects, and paints the view after each event.
/// The terminal is given back however the loop ends.
public enum DashboardRuntime {
    /// Throws, having drawn nothing, when the theme cannot be loaded or curses cannot drive
    /// the terminal.
    public static func run(_ options: DashboardOptions, client: AgentClient) async throws(DashboardStartError) {
        let (theme, warnings) = try loadTheme(options)
        let (events, sink) = AsyncStream<DashboardEvent>.makeStream()
        let screen = TerminalScreen()
        let size: (width: Int, height: Int)
        do throws(TerminalUnusable) {
            size = try await screen.start(theme: theme, noColor: options.noColor, mouse: options.mouse)
        } catch {
            throw .terminal(error)
        }
        var state = DashboardState(
            fleetName: options.config.name, mode: options.mode, operatorName: options.operatorName,
            budget: DrainBudget(config: options.config), now: Date(), width: size.width, height: size.height,
            themeNames: options.themes.names(), themeName: theme.name)
        if await screen.colorDepth == .monochrome {
            state.colorsOff = options.noColor ? "NO_COLOR" : "the terminal has no colours"
        }
        if let w = warnings.first {
            state.status = StatusMessage(text: "theme: " + w, level: .warning, until: Date().addingTimeInterval(8))
        }
        let writer = options.settings.map(SettingsWriter.init)
        // The choices saved last time; a file that cannot be used is said once and ignored.
        if let store = options.settings {
            let (saved, warning) = store.load()
            if let saved {
                state.apply(saved)
                if state.themeName != theme.name, let loaded = try? options.themes.load(state.themeName) {
                    await screen.apply(theme: loaded.theme)
                }
            }
            if let warning { state.status = StatusMessage(text: warning, level: .warning, until: Date().addingTimeInterval(8)) }
        }
        // The screen's sleeps (the poll cycles, the tick) are timers of the event loop that
        // reads the agents: at idle the dashboard wakes on one thread, not on the runtime's
        // timer thread and then on a worker.
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let clock = AnyClock(EventLoopClock(eventLoop: loop))
        let poller = FleetPoller(config: options.config, client: client, clock: clock)
        let waker = InputWaker()

        var tasks: [Task<Void, Never>] = []
        // Each poll cycle moves the clock and repaints; the tick moves it only when 1.1 s pass
        // without one (a cycle waiting on a hung agent, or a longer poll interval), so an idle
        // screen is painted once a second, not twice, and the clock never stands still for
        // much more than a second.
        let heartbeat = PollHeartbeat(loop: loop, gap: .milliseconds(1100)) {
            sink.yield(.tick(Date()))
            HeapTrimmer.trimIfDue()
        }
        heartbeat.beat()
        let locks = options.coordination.map { ChangeLocks(store: $0.locks) }
        tasks.append(Task {
            await poller.run {
                heartbeat.beat()
                sink.yield(.fleet($0))
                HeapTrimmer.trimIfDue()
                await locks?.settle(with: $0)
            }
        })
        if let coordination = options.coordination {
            // Its own task: a store that does not answer delays only its own line, never the screen.
            tasks.append(Task {
                while !Task.isCancelled {
                    sink.yield(.coordination(await coordination.watcher.read()))
                    try? await clock.sleep(for: coordination.interval)
                }
            })
        }
        tasks.append(Task {
            for await _ in waker.wakeups {
                let input = await screen.readInput()
                if input.resized {
                    let s = await screen.size()
                    sink.yield(.resized(width: s.width, height: s.height))
                }
                for key in input.keys { sink.yield(.key(key)) }
            }
        })
        tasks.append(Task {
            for await signal in await UnixSignalsSequence(trapping: .sigwinch, .sigterm, .sigint, .sighup) {
                if signal == .sigwinch {
                    let s = await screen.resize()
                    sink.yield(.resized(width: s.width, height: s.height))
                } else {
                    sink.yield(.key(.interrupt))
                }
            }
        })

        var frames = FrameBuffers()
        await screen.paint(frames.render(state))
        loop: for await event in events {
            for effect in DashboardUpdate.update(&state, event) {
                switch effect {
                case .quit:
                    break loop
                case .pollNow:
                    Task { sink.yield(.fleet(await poller.pollOnce(force: true))) }
                case .perform(let command):
                    Task {
                        sink.yield(.actionCompleted(await DrainSender.send(
                            command, sites: options.drainSites, client: client, locks: locks)))
                    }
                case .extend(let request):
                    Task { sink.yield(.extendCompleted(await DrainSender.extend(request, sites: options.drainSites, client: client))) }
                case .applyTheme(let name):
                    do {
                        let loaded = try options.themes.load(name)
                        await screen.apply(theme: loaded.theme)
                        if let w = loaded.warnings.first { state.status = StatusMessage(text: w, level: .warning, until: state.now.addingTimeInterval(5)) }
                    } catch {
                        state.status = StatusMessage(text: "\(error)", level: .error, until: state.now.addingTimeInterval(5))
                    }
                case .saveSettings(let settings):
                    guard let writer else { continue }
                    Task { if let failure = await writer.save(settings) { sink.yield(.warning(failure)) } }
                case .fetchEvents(let id):
                    guard let site = options.config.sites.first(where: { $0.id == id }) else { continue }
                    Task {
                        if let page = try? await client.events(of: site, since: 0, timeout: options.config.requestTimeout) {
                            sink.yield(.agentEvents(siteID: id, events: Array(page.events.suffix(50))))
                        }
                    }
                }
            }
            await screen.paint(frames.render(state))
        }
        for t in tasks { t.cancel() }
        heartbeat.stop()
        await locks?.releaseAll()
        waker.cancel()
        sink.finish()
        await screen.stop()
    }

    /// The theme chosen in `options`, and its warnings; a name that is no theme, or a theme
    /// file with errors, stops the start.
    static func loadTheme(_ options: DashboardOptions) throws(DashboardStartError) -> (theme: Theme, warnings: [String]) {
        do throws(ConfigError) {
            return try options.themes.load(options.themeName)
        } catch {
            throw .theme(error)
        }
    }
}
