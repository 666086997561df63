import ServiceLifecycle

/// Runs `group` until SIGTERM or SIGINT stops it. Services end a graceful shutdown with
/// CancellationError (their sleeps are cancelled): that is the stop that was asked for, not a
/// failure, so the command exits 0 and systemd does not mark a stopped agent failed.
func runUntilStopped(_ group: ServiceGroup) async throws {
    do {
        try await group.run()
    } catch is CancellationError {
    }
}
