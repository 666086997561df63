import AnycastDashboard

/// Saves settings off the screen's loop: changes that come while a write is under way (a filter
/// typed a key at a time) are coalesced into one more write of the newest, so the screen never
/// waits on the disk and the disk sees a few writes, not one per key.
actor SettingsWriter {
    let store: SettingsStore
    private var pending: DashboardSettings?
    private var writing = false
    /// The last failure reported, so a disk that stays full is said once, not at every change.
    private var reported: String?

    init(store: SettingsStore) { self.store = store }

    /// Saves `settings` (or newer ones given meanwhile); a failure not reported before.
    func save(_ settings: DashboardSettings) async -> String? {
        pending = settings
        guard !writing else { return nil }
        writing = true
        defer { writing = false }
        var failure: String?
        while let next = pending {
            pending = nil
            do {
                try store.save(next)
                reported = nil
            } catch {
                let why = "settings not saved: \(error)"
                if why != reported { failure = why }
                reported = why
            }
            await Task.yield()  // saves queued meanwhile replace `pending`
        }
        return failure
    }
}
