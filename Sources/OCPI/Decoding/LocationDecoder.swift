import JSON
import RegistryCore

/// Decodes OCPI Location objects of 2.1.1, 2.2, 2.2.1 and 2.3.0 into the uniform model, the
/// tolerant way real feeds need (ocpi.md §7.8, §7.12): every tolerance becomes a finding on the
/// record, and a record is refused only when it has no usable identity (DESIGN.md).
public struct LocationDecoder: Sendable {
    public let version: OCPIVersion
    /// The party a file or feed belongs to, used when a record does not say.
    public let declaredParty: PartyCode?
    /// Whether EVSE IDs get their `id.*` findings; off when re-reading the registry's own stored
    /// documents, whose findings were recorded at ingest.
    public var checksEVSEIDs = true

    public init(version: OCPIVersion, declaredParty: PartyCode? = nil) {
        self.version = version
        self.declaredParty = declaredParty
    }

    /// Guesses a record's version from its members: 2.1.1 has `type` and no party fields;
    /// 2.3.0 has AFIR members; anything else reads as 2.2.1.
    public static func detectVersion(of record: JSONValue) -> OCPIVersion {
        guard case .object(let object) = record else { return .v2_2_1 }
        let evses: [JSONObject] =
            if case .array(let list) = object["evses"] ?? .null {
                list.compactMap { if case .object(let evse) = $0 { evse } else { nil } }
            } else { [] }
        let connectors: [JSONObject] = evses.flatMap { evse -> [JSONObject] in
            guard case .array(let list) = evse["connectors"] ?? .null else { return [] }
            return list.compactMap { if case .object(let connector) = $0 { connector } else { nil } }
        }
        if object["parking_places"] != nil || object["help_phone"] != nil
            || evses.contains(where: { $0["parking"] != nil || $0["accepted_service_providers"] != nil })
            || connectors.contains(where: { $0["capabilities"] != nil })
        {
            return .v2_3_0
        }
        let hasPartyFields = object["country_code"] != nil || object["party_id"] != nil || object["publish"] != nil
        if !hasPartyFields && (object["type"] != nil || connectors.contains { $0["voltage"] != nil }) {
            return .v2_1_1
        }
        return .v2_2_1
    }

    /// Decodes one record. `feedOperators` are the operator codes that other records of the same
    /// feed carry in their EVSE IDs; they resolve a record that names no party and has no EVSE ID
    /// of its own (see `LocationRefusal.awaitsFeedOperators`).
    public func decode(_ record: JSONValue, feedOperators: Set<PartyCode> = []) -> Result<
        DecodedLocation, LocationRefusal
    > {
        guard case .object(let object) = record else {
            return .failure(LocationRefusal(locationID: nil, reason: "the record is \(record.typeName), not an object"))
        }
        let log = FindingLog()
        var fields = Fields(object, path: "", log: log, version: version, catalogue: FieldCatalogue.location)
        guard let id = fields.string("id", required: true, maxLength: version.is211 ? 39 : 36),
            !id.trimmingASCIIWhitespace.isEmpty
        else {
            return .failure(LocationRefusal(locationID: nil, reason: "the record has no id"))
        }
        if let problem = ObjectID.problem(id) {
            return .failure(LocationRefusal(locationID: nil, reason: "id \(problem)"))
        }
        let recordCountry = fields.string("country_code", required: !version.is211, maxLength: 2)
        let recordParty = fields.string("party_id", required: !version.is211, maxLength: 3)
        var location = Location(countryCode: "", partyID: "", id: id)
        location.country = fields.string("country", required: true, maxLength: 3)
        location.evses = fields.objects("evses", catalogue: FieldCatalogue.evse, keepUnknown: true) { decodeEVSE(&$0) }
        if let problem = Self.childIDProblem(of: location) {
            return .failure(LocationRefusal(locationID: id, reason: problem))
        }
        Self.flagIDsBeyondPrintableASCII(of: location, log: log)
        let identity = PartyEvidence(
            recordCountry: recordCountry, recordParty: recordParty,
            locationCountry: location.country.flatMap { Country(alpha3: $0)?.alpha2 },
            evseOperatorCodes: { Self.operatorCodes(of: location) }, feedOperators: feedOperators)
        switch identity.resolve(declared: declaredParty, log: log) {
        case .success(let party):
            location.countryCode = party.country
            location.partyID = party.party
        case .failure(var refusal):
            refusal.locationID = id
            return .failure(refusal)
        }

        location.publish = fields.bool("publish", required: !version.is211) ?? true
        location.publishAllowedTo = fields.objects("publish_allowed_to") { decodePublishToken(&$0) }
        location.name = fields.string("name", maxLength: 255)
        location.address = fields.string("address", required: true, maxLength: version.is211 ? 45 : 255)
        location.city = fields.string("city", required: true, maxLength: 45)
        location.postalCode = fields.string("postal_code", required: version.is211, maxLength: 10)
        location.state = fields.string("state", maxLength: 45)
        location.coordinates = fields.object("coordinates", required: true) { decodeGeoLocation(&$0) }
        location.relatedLocations = fields.objects("related_locations") { decodeAdditionalGeoLocation(&$0) }
        location.parkingType = decodeParkingType(&fields)
        location.directions = fields.objects("directions") { decodeDisplayText(&$0) }
        location.operator = fields.object("operator") { decodeBusinessDetails(&$0) }
        location.suboperator = fields.object("suboperator") { decodeBusinessDetails(&$0) }
        location.owner = fields.object("owner") { decodeBusinessDetails(&$0) }
        location.facilities = fields.enumerations("facilities")
        location.timeZone = fields.string("time_zone", required: !version.is211, maxLength: 255)
        location.openingTimes = fields.object("opening_times") { decodeHours(&$0) }
        location.chargingWhenClosed = fields.bool("charging_when_closed")
        location.images = fields.objects("images") { decodeImage(&$0) }
        location.energyMix = fields.object("energy_mix") { decodeEnergyMix(&$0) }
        location.lastUpdated = fields.timestamp("last_updated", required: true)
        location.parkingPlaces = fields.objects("parking_places") { decodeParking(&$0) }
        location.helpPhone = fields.string("help_phone", maxLength: 25)
        location.extensions = fields.unknownMembers()
        if checksEVSEIDs { checkEVSEIDs(location.evses, log: log) }
        return .success(DecodedLocation(location: location, findings: log.findings))
    }

    /// Ids that name their object but are not the printable ASCII of OCPI's CiString (OCPI 2.2.1
    /// §16.1): kept as sent, flagged.
    private static func flagIDsBeyondPrintableASCII(of location: Location, log: FindingLog) {
        func check(_ id: String?, _ path: String) {
            guard let id, !ObjectID.isPrintableASCII(id) else { return }
            log.add(.idNotPrintableASCII, path, "\"\(id)\" is not printable ASCII, as OCPI ids must be; kept as sent")
        }
        check(location.id, "id")
        for (index, evse) in location.evses.enumerated() {
            check(evse.uid, "evses[\(index)].uid")
            for (connectorIndex, connector) in evse.connectors.enumerated() {
                check(connector.id, "evses[\(index)].connectors[\(connectorIndex)].id")
            }
        }
    }

    /// The first EVSE `uid` or connector `id` that cannot name its object, with its path.
    private static func childIDProblem(of location: Location) -> String? {
        for (index, evse) in location.evses.enumerated() {
            if let uid = evse.uid, let problem = ObjectID.problem(uid) { return "evses[\(index)].uid \(problem)" }
            for (connectorIndex, connector) in evse.connectors.enumerated() {
                if let id = connector.id, let problem = ObjectID.problem(id) {
                    return "evses[\(index)].connectors[\(connectorIndex)].id \(problem)"
                }
            }
        }
        return nil
    }

    private func decodeParkingType(_ fields: inout Fields) -> Open<ParkingType>? {
        // 2.1.1 `type` (LocationType) maps onto `parking_type`; OTHER and UNKNOWN have no equivalent.
        let primary = version.is211 ? "type" : "parking_type"
        let alias = version.is211 ? "parking_type" : "type"
        guard let text = fields.string(primary, required: version.is211, aliases: [alias]) else { return nil }
        if text == "OTHER" || text == "UNKNOWN" { return nil }
        return fields.openValue(text, path: primary)
    }

    // MARK: - Identity

    /// The operator codes of a location's eMI3 EVSE IDs, most frequent first.
    public static func operatorCodes(of location: Location) -> [PartyCode] {
        var counts: [PartyCode: Int] = [:]
        for evse in location.evses {
            if let id = evse.evseID.flatMap({ try? EVSEID(parsing: $0) }) { counts[id.operatorCode, default: 0] += 1 }
        }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    private func checkEVSEIDs(_ evses: [EVSE], log: FindingLog) {
        for (index, evse) in evses.enumerated() {
            guard let text = evse.evseID else { continue }
            let path = "evses[\(index)].evse_id"
            do {
                let id = try EVSEID(parsing: text)
                if id.marker == .pool {
                    log.add(.evseIDPoolMarker, path, "'\(text)' is a charging pool ID (P), not an EVSE ID (E)")
                } else if !id.isCanonical {
                    log.add(.evseIDNonCanonical, path, "'\(text)' mixes separators; canonical form is \(id)")
                }
            } catch {
                if EVSEID.isDINLegacy(text) {
                    log.add(.evseIDDINLegacy, path, "'\(text)' is a DIN SPEC 91286 legacy EVSE ID")
                } else {
                    log.add(.evseIDNotEMI3, path, error.description)
                }
            }
        }
    }
}

/// A decoded record and what was wrong with it.
public struct DecodedLocation: Sendable {
    public var location: Location
    public var findings: [Finding]

    public init(location: Location, findings: [Finding]) {
        self.location = location
        self.findings = findings
    }
}

/// A record that cannot be kept because it has no usable identity.
public struct LocationRefusal: Error, Sendable, Equatable {
    public var locationID: String?
    public var reason: String
    /// The code a run counts the refusal under, when it has one.
    public var code: FindingCode?
    /// The record names no party and has no EVSE ID: the operator codes of the rest of its feed
    /// may still identify it, so a reader retries it with them at the end of the feed.
    public var awaitsFeedOperators: Bool

    public init(locationID: String?, reason: String, awaitsFeedOperators: Bool = false, code: FindingCode? = nil) {
        self.locationID = locationID
        self.reason = reason
        self.awaitsFeedOperators = awaitsFeedOperators
        self.code = code
    }
}
