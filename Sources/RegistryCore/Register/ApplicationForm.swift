import JSON

/// What an applicant submits to `POST /api/v1/applications`: the organisation, the roles, the
/// country the code is for, and optionally a proposed code (AFIREV and BDEW let the applicant
/// propose; the office has the final say).
public struct ApplicationForm: Sendable, Equatable {
    public var organisation: Organisation
    public var roles: Set<PartyRole>
    /// ISO 3166-1 alpha-2 country the code is issued for.
    public var country: String
    public var proposedCode: PartyCode?
    /// The applicant's note to the office.
    public var note: String?

    public init(
        organisation: Organisation, roles: Set<PartyRole>, country: String, proposedCode: PartyCode? = nil,
        note: String? = nil
    ) {
        self.organisation = organisation
        self.roles = roles
        self.country = country
        self.proposedCode = proposedCode
        self.note = note
    }

    /// Reads a submitted form, reporting every invalid field at once (path and rule broken) for
    /// an office serving `countries`.
    public static func parse(_ json: JSONValue, countries: Set<String>) -> Result<ApplicationForm, FormProblems> {
        var reader = FormReader(json: json)
        guard case .object = json else { return .failure(FormProblems([FieldProblem("", "must be a JSON object")])) }
        let legalName = reader.text("organisation.legal_name", required: true, maximum: 200)
        let tradeName = reader.text("organisation.trade_name", maximum: 200)
        let companyID = reader.text("organisation.company_id", required: true, maximum: 40)
        let legalForm = reader.text("organisation.legal_form", maximum: 80)
        let address = reader.text("organisation.address", required: true, maximum: 400)
        let establishment = reader.country("organisation.country", required: true)
        let representative = reader.text("organisation.representative", maximum: 200)
        let contactName = reader.text("organisation.contact.name", required: true, maximum: 200)
        let contactEmail = reader.email("organisation.contact.email")
        let contactPhone = reader.phone("organisation.contact.phone")
        let helpdesk = reader.phone("organisation.helpdesk_phone")
        let website = reader.website("organisation.website")
        let roles = reader.roles("roles")
        let country = reader.country("country", required: true)
        if let country, !countries.contains(country) {
            reader.problem(
                "country", "this office issues codes for \(countries.sorted().joined(separator: ", ")), not \(country)")
        }
        var proposed: PartyCode?
        if let text = reader.text("proposed_code", maximum: 6) {
            if let problem = CodeRules.problem(proposing: text, countries: countries) {
                reader.problem("proposed_code", problem)
            } else if let code = try? PartyCode(parsing: text) {
                if let country, code.countryCode != country {
                    reader.problem("proposed_code", "must start with the application's country \(country)")
                }
                proposed = code
            }
        }
        let note = reader.text("note", maximum: 2000)
        reader.refuseUnknownMembers()
        guard reader.problems.isEmpty, let legalName, let companyID, let address, let establishment, let contactName,
            let contactEmail, let roles, let country
        else { return .failure(FormProblems(reader.problems)) }
        return .success(
            ApplicationForm(
                organisation: Organisation(
                    legalName: legalName, tradeName: tradeName, companyID: companyID, legalForm: legalForm,
                    address: address, country: establishment, representative: representative, contactName: contactName,
                    contactEmail: contactEmail, contactPhone: contactPhone, helpdeskPhone: helpdesk, website: website),
                roles: roles, country: country, proposedCode: proposed, note: note))
    }
}

/// One invalid field of a submitted form: its path (`organisation.contact.email`) and the rule broken.
public struct FieldProblem: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let rule: String
    public init(_ path: String, _ rule: String) {
        self.path = path
        self.rule = rule
    }
    public var description: String { path.isEmpty ? rule : "\(path): \(rule)" }
}

/// Every invalid field of a form, reported together.
public struct FormProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [FieldProblem]
    public init(_ problems: [FieldProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
