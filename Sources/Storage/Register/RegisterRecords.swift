import RegistryCore

/// How the office is set up: the countries it issues codes for (one for a national office,
/// several for a regional one), how long a revoked code stays quarantined, and the party the
/// access point is in OCPI (its credentials role `NAP`, ocpi.md §5.2).
public struct OfficeSettings: Sendable, Equatable {
    public var countries: Set<String>
    public var quarantineDays: Int
    /// `CL*NAP`: the `country_code`/`party_id` of the access point's own credentials.
    public var ocpiParty: PartyCode?
    /// The `business_details.name` of those credentials.
    public var name: String?

    /// Five years: EVSE and contract IDs built on a revoked code live on in CDRs and contracts
    /// (registries.md §2.8 suggests at least five).
    public static let defaultQuarantineDays = 5 * 365

    public init(countries: Set<String> = [], quarantineDays: Int = OfficeSettings.defaultQuarantineDays) {
        self.countries = countries
        self.quarantineDays = quarantineDays
    }
}

/// An application as the office and (in part) the applicant see it.
public struct ApplicationRecord: Sendable, Equatable {
    public let id: Int64
    public let status: ApplicationStatus
    public let country: String
    public let roles: Set<PartyRole>
    public let proposedCode: String?
    public let organisation: Organisation
    public let note: String?
    public let submittedAt: Timestamp
    public let updatedAt: Timestamp
    public let issuedCode: String?
    public let tokenIssuedAt: Timestamp?
    public let messages: [ApplicationMessage]
    /// What the office must confirm before approving: the application names the company ID of
    /// an organisation already in the register (and so would speak for it and its codes).
    /// Empty once the application is decided.
    public let conflicts: [String]
}

/// One message between the office and an applicant.
public struct ApplicationMessage: Sendable, Equatable {
    public let at: Timestamp
    /// `office` or `applicant`.
    public let author: String
    public let body: String
}

/// An entry of the public register: a code this office issued, or one imported from another
/// IDRO's register (`foreignSource` set). Public fields only (registries.md §2.8).
public struct PartyEntry: Sendable, Equatable {
    /// `CL*ABC`.
    public let code: String
    public let countryCode: String
    public let roles: Set<PartyRole>
    /// `ACTIVE`, `SUSPENDED`, `REVOKED`, or a foreign register's own word.
    public let status: String
    public let holderLegalName: String
    public let holderTradeName: String?
    public let helpdeskPhone: String?
    public let website: String?
    public let issuedAt: Timestamp?
    public let statusChangedAt: Timestamp?
    public let quarantineUntil: Timestamp?
    public let foreignSource: String?
    public let importedAt: Timestamp?
    /// Issue, status changes and transfers, oldest first (own codes only).
    public let history: [PartyEvent]
    /// Office only: the holder's organisation id.
    public let organisationID: Int64?
}

/// A step in a code's public history.
public struct PartyEvent: Sendable, Equatable {
    public let at: Timestamp
    /// `issued`, `suspended`, `reinstated`, `revoked`, `transferred`, `released`, `roles_added`.
    public let event: String
    public let status: String
    public let holderLegalName: String
}

/// Filters of the public register.
public struct PartyFilter: Sendable, Equatable {
    public var country: String?
    public var role: PartyRole?
    public var status: String?
    /// Case-insensitive search in legal and trade names and the code.
    public var query: String?
    public var includeForeign = true

    public init(
        country: String? = nil, role: PartyRole? = nil, status: String? = nil, query: String? = nil,
        includeForeign: Bool = true
    ) {
        self.country = country
        self.role = role
        self.status = status
        self.query = query
        self.includeForeign = includeForeign
    }
}

/// One row of another IDRO's public register (CSV or JSON: code, roles, holder name, status).
public struct ForeignParty: Sendable, Equatable {
    public let code: PartyCode
    public let roles: Set<PartyRole>
    public let holderName: String
    public let status: String

    public init(code: PartyCode, roles: Set<PartyRole>, holderName: String, status: String) {
        self.code = code
        self.roles = roles
        self.holderName = holderName
        self.status = status
    }
}

/// What a foreign import changed.
public struct ForeignImportSummary: Sendable, Equatable {
    public let created: Int
    public let updated: Int
    public let unchanged: Int
}

/// Who may do what: registry staff (`office`), an operator writing under its own codes
/// (`operator`), or a reader of non-public feeds (`reader`) (DESIGN.md, security model).
public enum TokenRole: String, Sendable, CaseIterable {
    case office, `operator`, reader
}

/// What a token opens: the APIs its role allows, or (a registration token, OCPI's token A) only
/// the OCPI credentials and versions endpoints, until the handshake replaces it (ocpi.md §5.3).
public enum TokenPurpose: String, Sendable, CaseIterable {
    case api, registration
}

/// A token as listed: never its secret, which only its SHA-256 hash is stored for.
public struct TokenRecord: Sendable, Equatable {
    public let id: Int64
    public let role: TokenRole
    public let purpose: TokenPurpose
    /// The party codes an operator token may write under (`CL*ABC`).
    public let parties: [String]
    public let label: String
    public let createdAt: Timestamp
    public let createdBy: String
    public let revokedAt: Timestamp?
    /// SHA-256 of the secret, hex; compared in constant time by the caller.
    public let hash: String
}

/// One entry of the office's audit log.
public struct AuditEvent: Sendable, Equatable {
    public let id: Int64
    public let at: Timestamp
    public let actor: String
    public let action: String
    public let subject: String
    public let reason: String?
    public let detail: String?
}
