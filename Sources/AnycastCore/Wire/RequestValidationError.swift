/// A request body that decoded but breaks a rule of the API.
public struct RequestValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for the caller.
    public var description: String

    public init(_ description: String) { self.description = description }

    /// Longest reason the API accepts.
    public static let maxReasonLength = 500
    /// Longest operator name the API accepts.
    public static let maxOperatorLength = 100

    static func checkReason(_ reason: String, required: Bool) throws(RequestValidationError) {
        let trimmed = reason.trimmingWhitespace()
        if required && trimmed.isEmpty {
            throw RequestValidationError("reason is required (1-\(maxReasonLength) characters)")
        }
        if reason.count > maxReasonLength {
            throw RequestValidationError("reason is \(reason.count) characters; at most \(maxReasonLength) are allowed")
        }
    }

    static func checkOperator(_ name: String) throws(RequestValidationError) {
        if name.trimmingWhitespace().isEmpty {
            throw RequestValidationError("operator is required")
        }
        if name.count > maxOperatorLength {
            throw RequestValidationError("operator is longer than \(maxOperatorLength) characters")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw RequestValidationError("operator contains control characters")
        }
    }
}
