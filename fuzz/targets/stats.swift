// Fuzz target: `unbound-control stats_noreset` / `nsd-control stats_noreset` text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStats(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let stats = StatsText(parsing: Array(UnsafeBufferPointer(start: data, count: size)))
    _ = stats.integer("total.num.queries")
    return 0
}
