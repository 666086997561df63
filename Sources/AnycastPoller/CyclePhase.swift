/// Where the poll cycle sits against the agents' lines.
///
/// A stream asked to read with nothing waiting reads its line as it comes, at a wake-up of its
/// own, and the take after hands it on without asking (`StatusStreamSet.take`). When many
/// agents speak just after the cycle asks (agents started together tick together, as the
/// simulated fleet's all do), their lines cost a wake-up each, every other cycle. Starting the
/// next cycle just after them puts their lines in the kernel before the cycle asks, and the
/// whole fleet is read in one pass.
enum CyclePhase {
    /// How much a line may come after the ask and still count as "just after": lines later than
    /// that wait for the next ask anyway.
    static func window(interval: Duration) -> Duration { interval / 4 }

    /// Kept between the lines and the ask, for the agents' jitter.
    static let margin = Duration.milliseconds(10)

    /// How much later than planned the next cycle should start, or nil to keep the phase:
    /// `late` is how long after the last ask each line read between takes came, out of
    /// `streamed` streams taken. A quarter of the streams (and at least two) must have come
    /// just after the ask; the cycle then moves to just after the last of them.
    static func delay(late: [Duration], streamed: Int, interval: Duration) -> Duration? {
        let window = window(interval: interval)
        let near = late.filter { $0 <= window }
        guard near.count >= 2, near.count * 4 >= streamed, let last = near.max() else { return nil }
        return last + margin
    }
}
