/// Plain numbers from a `Duration`, for timers, messages and rates.
extension Duration {
    /// Whole milliseconds (rounded toward zero).
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
