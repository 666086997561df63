/// Where the poll cycle sits against the agents' lines.
///
/// A take reads what waits for each stream and asks those with nothing waiting to read,
/// waiting a few milliseconds for lines on their way. A line that comes after the take is over
/// is read as it comes, at a wake-up of its own, and the take after hands it on without asking
/// (`StatusStreamSet.take`). When many agents speak just after
/// that (agents started together tick together, as the simulated fleet's all do), their lines
/// cost a wake-up each, every other cycle. Starting the next cycle just after them puts their
/// lines in the kernel before the cycle asks, and the whole fleet is read in one pass.
///
/// Lines that come within the take's own wait are read in that take, each at its own wake-up;
/// they are not told apart from lines that were waiting, which the take also reads one by one
/// when the fleet is large, so they do not move the cycle.
///
/// A few late lines are enough to move it. Each costs a wake-up, an arm and a disarm of its
/// socket's reads and a read through the channel: when a take sits inside the burst of a fleet
/// whose agents speak together, a few percent of the fleet's lines can come that way (30 to
/// 100 a second at 1,000 sites, in the simulated fleet), far from a quarter of the streams but
/// a share of the dashboard's CPU that paired runs show. Agents that speak at scattered times
/// have a line waiting at every take wherever the cycle sits, so they give no late lines to
/// move it.
enum CyclePhase {
    /// Kept between the lines and the ask, for the agents' jitter.
    static let margin = Duration.milliseconds(10)

    /// How much later than planned the next cycle should start, or nil to keep the phase:
    /// `late` is how long after the last ask each line read between takes came, out of
    /// `streamed` streams taken. One stream in fifty (and at least two) must have come just
    /// after the ask; the cycle then moves to just after the last of them.
    static func delay(late: [Duration], streamed: Int, interval: Duration) -> Duration? {
        // Only lines soon after the ask move the cycle: one late by most of an interval, for
        // what may be stragglers, would leave the screen that much behind.
        let near = late.filter { $0 <= interval / 4 }
        guard near.count >= 2, near.count * 50 >= streamed, let last = near.max() else { return nil }
        return last + margin
    }
}
