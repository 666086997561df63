/// What changes about a site only when something happens to it: its config, the status its
/// agent last sent whole, its reachability and its last error. One shared object for every
/// copy of the site (`SharedValue`), copied when one of them changes it.
@usableFromInline struct SiteStanding: Sendable {
    /// Shared on its own too: a standing copied for a new status or error keeps the config's.
    @usableFromInline var config: SharedValue<SiteConfig>
    /// The last status the agent sent whole, with the rcode names and latency source of the
    /// newest update; its other figures are the newest unless `SiteSnapshot.statusFigures`
    /// holds newer.
    @usableFromInline var status: SiteStatus?
    @usableFromInline var reachability: SiteReachability
    @usableFromInline var consecutiveFailures: Int
    @usableFromInline var lastError: String?

    @usableFromInline init(config: SiteConfig) {
        self.config = SharedValue(config)
        status = nil
        reachability = .pending
        consecutiveFailures = 0
        lastError = nil
    }
}
