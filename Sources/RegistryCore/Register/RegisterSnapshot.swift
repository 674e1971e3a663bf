/// What the register says about the operator codes inside EVSE IDs: read once per ingest (and
/// once per register change) so that every stored location is checked against it (issue #5,
/// link to the repository; registries.md §2).
public struct RegisterSnapshot: Sendable {
    /// A live code of this office: its status and the organisation holding it.
    public struct Holding: Sendable, Equatable {
        public var status: CodeStatus
        public var organisationID: Int64

        public init(status: CodeStatus, organisationID: Int64) {
            self.status = status
            self.organisationID = organisationID
        }
    }

    /// Live own codes (compact `CLABC`; released codes are not live).
    public var own: [String: Holding]
    /// Foreign codes (compact) → the status their register publishes.
    public var foreign: [String: String]
    /// Holder code (compact) → the codes it authorised to publish EVSE IDs under it.
    public var authorisations: [String: Set<String>]
    /// The countries the office issues codes for; empty while the office is not configured.
    public var countries: Set<String>

    public init(
        own: [String: Holding] = [:], foreign: [String: String] = [:], authorisations: [String: Set<String>] = [:],
        countries: Set<String> = []
    ) {
        self.own = own
        self.foreign = foreign
        self.authorisations = authorisations
        self.countries = countries
    }
}
