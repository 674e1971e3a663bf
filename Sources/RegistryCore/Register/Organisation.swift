/// A business actor registered with the office (registries.md §2.8, after BDEW §2 and
/// Benelux-IDRO's form). Only the legal and trade names, country, public helpdesk and website
/// are published; the rest is private to the office.
public struct Organisation: Sendable, Equatable {
    public var legalName: String
    public var tradeName: String?
    /// The national company identifier (RUT, NIT, cédula jurídica, …).
    public var companyID: String
    public var legalForm: String?
    public var address: String
    /// ISO 3166-1 alpha-2 country of establishment.
    public var country: String
    public var representative: String?
    public var contactName: String
    public var contactEmail: String
    public var contactPhone: String?
    /// AFIR Annex A5 style `+CC number`, published.
    public var helpdeskPhone: String?
    /// Published.
    public var website: String?

    public init(
        legalName: String, tradeName: String? = nil, companyID: String, legalForm: String? = nil, address: String,
        country: String, representative: String? = nil, contactName: String, contactEmail: String,
        contactPhone: String? = nil, helpdeskPhone: String? = nil, website: String? = nil
    ) {
        self.legalName = legalName
        self.tradeName = tradeName
        self.companyID = companyID
        self.legalForm = legalForm
        self.address = address
        self.country = country
        self.representative = representative
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.contactPhone = contactPhone
        self.helpdeskPhone = helpdeskPhone
        self.website = website
    }
}
