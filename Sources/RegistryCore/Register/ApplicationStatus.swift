/// Where an application for a party code stands (registries.md §2.8, after AFIREV and
/// Benelux-IDRO): `SUBMITTED → UNDER_REVIEW ⇄ INFO_REQUESTED → APPROVED | REJECTED`.
public enum ApplicationStatus: String, Sendable, Hashable, CaseIterable {
    case submitted = "SUBMITTED"
    case underReview = "UNDER_REVIEW"
    case infoRequested = "INFO_REQUESTED"
    case approved = "APPROVED"
    case rejected = "REJECTED"

    /// The status `action` leads to, or why it is not allowed now (answered `409`).
    public func after(_ action: ApplicationAction) throws(RegisterConflict) -> ApplicationStatus {
        if let next = next(action) { return next }
        let allowed = ApplicationAction.allCases.filter { next($0) != nil }.map(\.rawValue)
        throw RegisterConflict(
            "an application \(rawValue) cannot be \(action.pastTense)"
                + (allowed.isEmpty ? "; it is closed" : "; allowed now: \(allowed.joined(separator: ", "))"))
    }

    private func next(_ action: ApplicationAction) -> ApplicationStatus? {
        switch (self, action) {
        case (.submitted, .review): .underReview
        case (.underReview, .requestInformation): .infoRequested
        case (.infoRequested, .respond): .underReview
        case (.underReview, .approve): .approved
        case (.submitted, .reject), (.underReview, .reject), (.infoRequested, .reject): .rejected
        default: nil
        }
    }
}

/// What the office (or, for `respond`, the applicant) does to an application.
public enum ApplicationAction: String, Sendable, CaseIterable {
    case review
    case requestInformation = "request-info"
    case respond
    case approve
    case reject

    var pastTense: String {
        switch self {
        case .review: "taken under review"
        case .requestInformation: "asked for information"
        case .respond: "answered"
        case .approve: "approved"
        case .reject: "rejected"
        }
    }
}

/// A request the register's current state does not allow: an illegal transition, a code that is
/// taken. Its message says why; the HTTP API answers it with `409`.
public struct RegisterConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
