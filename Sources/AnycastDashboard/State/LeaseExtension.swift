/// A drain lease extension the dashboard sends to one or more agents (`e`).
public struct LeaseExtension: Sendable, Hashable {
    public var siteIDs: [String]
    /// `nil`: every drained service of each site.
    public var service: String?
    /// Seconds added to each lease (a drain without one gets one ending that long from now).
    public var seconds: Int
    public var operatorName: String

    public init(siteIDs: [String], service: String?, seconds: Int, operatorName: String) {
        self.siteIDs = siteIDs
        self.service = service
        self.seconds = seconds
        self.operatorName = operatorName
    }
}

/// What came back from the agents for a lease extension: per site, an error text or success.
public struct LeaseExtensionOutcome: Sendable, Hashable {
    public var request: LeaseExtension
    /// Site id → the error; sites that extended are absent.
    public var errors: [String: String]

    public init(request: LeaseExtension, errors: [String: String]) {
        self.request = request
        self.errors = errors
    }
}
