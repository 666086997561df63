/// Periodic work on fixed deadlines: the next tick is an interval after the one before, however
/// long the work took, so a loop's ticks keep their phase (a sleep of an interval after the
/// work would put them later by the work's length every time).
public enum FixedTicks {
    /// The tick after the one due at `last`: an interval later, or an interval from `now`
    /// when the ticks have fallen behind (work slower than the interval skips ticks rather
    /// than bunching them).
    public static func next<I: InstantProtocol>(after last: I, interval: Duration, now: I) -> I where I.Duration == Duration {
        let next = last.advanced(by: interval)
        return next < now ? now.advanced(by: interval) : next
    }
}
