#if !FUZZ_SOURCES_COMPILED_IN
import AnycastAgent
#endif

/// Fuzz target stats: `unbound-control stats_noreset` / `nsd-control stats_noreset` text.
/// Returns the query counter, when the text has one.
@discardableResult
func fuzzStats(_ bytes: [UInt8]) -> UInt64? {
    StatsText(parsing: bytes).integer("total.num.queries")
}
