/// How sites are ordered (`s` cycles).
public enum SortKey: String, Sendable, Hashable, CaseIterable {
    case region, name, qps, latency, status

    /// The next key in the cycle.
    public var next: SortKey {
        let all = SortKey.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
