import UnixSignals

/// Waits for SIGINT or SIGTERM without killing the process, so cleanup can run.
enum SignalWaiter {
    static func waitForInterrupt() async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals { return }
    }
}
