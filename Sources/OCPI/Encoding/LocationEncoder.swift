import JSON
import RegistryCore

/// Writes model Locations as OCPI JSON of a given version with the fast writer, never through
/// Foundation's JSONEncoder (ocpi.md §7.9: omit nil optionals, DateTimes with `Z`, coordinates
/// as strings, CiStrings as spelt). Members only another version defines are left out; the
/// record's extensions are written as sent (2.3.0: receivers SHALL NOT reject unknown fields).
public struct LocationEncoder: Sendable {
    /// Which `last_updated` values to write.
    public enum Timestamps: Sendable, Equatable {
        /// The operator's own values, as received.
        case asSent
        /// The registry's change time on the location, which is what aggregators filter on
        /// (DESIGN.md); children carry their own value capped at it.
        case registry(changedAt: Timestamp)
        /// None: for content hashes, so a bare `last_updated` bump is not a change.
        case omitted
    }

    public let version: OCPIVersion
    public let timestamps: Timestamps

    public init(version: OCPIVersion, timestamps: Timestamps = .asSent) {
        self.version = version
        self.timestamps = timestamps
    }

    /// One Location object as bytes.
    public func encode(_ location: Location) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        write(location, to: &writer)
        return writer.bytes
    }

    /// One Location object as bytes, with the byte ranges of its `last_updated` members (each
    /// with its leading comma): the bytes outside them are exactly the `.omitted` encoding, so a
    /// content hash needs no second encoding.
    public func encodeMarkingTimestamps(_ location: Location) -> (bytes: [UInt8], timestamps: [Range<Int>]) {
        var writer = JSONWriter(capacity: 2048)
        writer.markedKey = "last_updated"
        write(location, to: &writer)
        return (writer.bytes, writer.markedRanges)
    }

    public func write(_ location: Location, to w: inout JSONWriter) {
        let v211 = version == .v2_1_1
        let v230 = version == .v2_3_0
        w.beginObject()
        if !v211 {
            w.member("country_code", location.countryCode)
            w.member("party_id", location.partyID)
        }
        w.member("id", location.id)
        if !v211 {
            w.member("publish", location.publish)
            list("publish_allowed_to", location.publishAllowedTo, &w) { writePublishToken($0, &$1) }
        }
        if v211 { w.member("type", Self.locationType211(location.parkingType)) }
        w.member("name", location.name)
        w.member("address", location.address)
        w.member("city", location.city)
        w.member("postal_code", location.postalCode)
        if !v211 { w.member("state", location.state) }
        w.member("country", location.country)
        if let coordinates = location.coordinates {
            w.key("coordinates")
            writeGeoLocation(coordinates.latitude, coordinates.longitude, nil, &w)
        }
        list("related_locations", location.relatedLocations, &w) {
            writeGeoLocation($0.latitude, $0.longitude, $0.name, &$1)
        }
        if !v211 { w.member("parking_type", location.parkingType?.rawValue) }
        w.key("evses")
        w.beginArray()
        for evse in location.evses { write(evse, parentTime: location.lastUpdated, &w) }
        w.endArray()
        list("directions", location.directions, &w) { writeDisplayText($0, &$1) }
        object("operator", location.operator, &w) { writeBusinessDetails($0, &$1) }
        object("suboperator", location.suboperator, &w) { writeBusinessDetails($0, &$1) }
        object("owner", location.owner, &w) { writeBusinessDetails($0, &$1) }
        strings("facilities", location.facilities.map(\.rawValue), &w)
        w.member("time_zone", location.timeZone)
        object("opening_times", location.openingTimes, &w) { writeHours($0, &$1) }
        w.member("charging_when_closed", location.chargingWhenClosed)
        list("images", location.images, &w) { writeImage($0, &$1) }
        object("energy_mix", location.energyMix, &w) { writeEnergyMix($0, &$1) }
        if v230 {
            list("parking_places", location.parkingPlaces, &w) { writeParking($0, &$1) }
            w.member("help_phone", location.helpPhone)
        }
        writeTimestamp(location.lastUpdated, isLocation: true, &w)
        writeExtensions(location.extensions, &w)
        w.endObject()
    }

    private func write(_ evse: EVSE, parentTime: Timestamp?, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("uid", evse.uid)
        w.member("evse_id", evse.evseID)
        w.member("status", evse.status?.rawValue)
        list("status_schedule", evse.statusSchedule, &w) { schedule, w in
            w.beginObject()
            w.member("period_begin", schedule.periodBegin?.description)
            w.member("period_end", schedule.periodEnd?.description)
            w.member("status", schedule.status?.rawValue)
            w.endObject()
        }
        strings("capabilities", evse.capabilities.map(\.rawValue), &w)
        w.key("connectors")
        w.beginArray()
        for connector in evse.connectors { write(connector, &w) }
        w.endArray()
        w.member("floor_level", evse.floorLevel)
        if let coordinates = evse.coordinates {
            w.key("coordinates")
            writeGeoLocation(coordinates.latitude, coordinates.longitude, nil, &w)
        }
        w.member("physical_reference", evse.physicalReference)
        list("directions", evse.directions, &w) { writeDisplayText($0, &$1) }
        strings("parking_restrictions", evse.parkingRestrictions.map(\.rawValue), &w)
        list("images", evse.images, &w) { writeImage($0, &$1) }
        if version == .v2_3_0 {
            list("parking", evse.parking, &w) { parking, w in
                w.beginObject()
                w.member("parking_id", parking.parkingID)
                w.member("evse_position", parking.evsePosition?.rawValue)
                w.endObject()
            }
            strings("accepted_service_providers", evse.acceptedServiceProviders, &w)
        }
        writeTimestamp(evse.lastUpdated, isLocation: false, &w)
        writeExtensions(evse.extensions, &w)
        w.endObject()
    }

    private func write(_ connector: Connector, _ w: inout JSONWriter) {
        let v211 = version == .v2_1_1
        w.beginObject()
        w.member("id", connector.id)
        w.member("standard", connector.standard?.rawValue)
        w.member("format", connector.format?.rawValue)
        w.member("power_type", connector.powerType?.rawValue)
        w.member(v211 ? "voltage" : "max_voltage", connector.maxVoltage)
        w.member(v211 ? "amperage" : "max_amperage", connector.maxAmperage)
        if v211 {
            w.member("tariff_id", connector.tariffIDs.first)
        } else {
            w.member("max_electric_power", connector.maxElectricPower)
            strings("tariff_ids", connector.tariffIDs, &w)
        }
        w.member("terms_and_conditions", connector.termsAndConditions)
        if version == .v2_3_0 { strings("capabilities", connector.capabilities.map(\.rawValue), &w) }
        writeTimestamp(connector.lastUpdated, isLocation: false, &w)
        writeExtensions(connector.extensions, &w)
        w.endObject()
    }

    // MARK: - Classes

    private func writeGeoLocation(_ latitude: String, _ longitude: String, _ name: DisplayText?, _ w: inout JSONWriter)
    {
        w.beginObject()
        w.member("latitude", latitude)
        w.member("longitude", longitude)
        object("name", name, &w) { writeDisplayText($0, &$1) }
        w.endObject()
    }

    private func writeDisplayText(_ text: DisplayText, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("language", text.language)
        w.member("text", text.text)
        w.endObject()
    }

    private func writeBusinessDetails(_ details: BusinessDetails, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("name", details.name)
        w.member("website", details.website)
        object("logo", details.logo, &w) { writeImage($0, &$1) }
        w.endObject()
    }

    private func writeImage(_ image: Image, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("url", image.url)
        w.member("thumbnail", image.thumbnail)
        w.member("category", image.category?.rawValue)
        w.member("type", image.type)
        w.member("width", image.width)
        w.member("height", image.height)
        w.endObject()
    }

    private func writeHours(_ hours: Hours, _ w: inout JSONWriter) {
        w.beginObject()
        list("regular_hours", hours.regularHours, &w) { regular, w in
            w.beginObject()
            w.member("weekday", regular.weekday)
            w.member("period_begin", regular.periodBegin)
            w.member("period_end", regular.periodEnd)
            w.endObject()
        }
        w.member("twentyfourseven", hours.twentyfourseven)
        list("exceptional_openings", hours.exceptionalOpenings, &w) { writePeriod($0, &$1) }
        list("exceptional_closings", hours.exceptionalClosings, &w) { writePeriod($0, &$1) }
        w.endObject()
    }

    private func writePeriod(_ period: ExceptionalPeriod, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("period_begin", period.periodBegin?.description)
        w.member("period_end", period.periodEnd?.description)
        w.endObject()
    }

    private func writeEnergyMix(_ mix: EnergyMix, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("is_green_energy", mix.isGreenEnergy)
        list("energy_sources", mix.energySources, &w) { source, w in
            w.beginObject()
            w.member("source", source.source?.rawValue)
            w.member("percentage", source.percentage)
            w.endObject()
        }
        list("environ_impact", mix.environImpact, &w) { impact, w in
            w.beginObject()
            w.member(version == .v2_1_1 ? "source" : "category", impact.category?.rawValue)
            w.member("amount", impact.amount)
            w.endObject()
        }
        w.member("supplier_name", mix.supplierName)
        w.member("energy_product_name", mix.energyProductName)
        w.endObject()
    }

    private func writePublishToken(_ token: PublishTokenType, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("uid", token.uid)
        w.member("type", token.type?.rawValue)
        w.member("visual_number", token.visualNumber)
        w.member("issuer", token.issuer)
        w.member("group_id", token.groupID)
        w.endObject()
    }

    private func writeParking(_ parking: Parking, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("id", parking.id)
        w.member("physical_reference", parking.physicalReference)
        strings("vehicle_types", parking.vehicleTypes.map(\.rawValue), &w)
        w.member("max_vehicle_weight", parking.maxVehicleWeight)
        w.member("max_vehicle_height", parking.maxVehicleHeight)
        w.member("max_vehicle_length", parking.maxVehicleLength)
        w.member("max_vehicle_width", parking.maxVehicleWidth)
        w.member("parking_space_length", parking.parkingSpaceLength)
        w.member("parking_space_width", parking.parkingSpaceWidth)
        w.member("dangerous_goods_allowed", parking.dangerousGoodsAllowed)
        w.member("direction", parking.direction?.rawValue)
        w.member("drive_through", parking.driveThrough)
        w.member("restricted_to_type", parking.restrictedToType)
        w.member("reservation_required", parking.reservationRequired)
        w.member("time_limit", parking.timeLimit)
        w.member("roofed", parking.roofed)
        list("images", parking.images, &w) { writeImage($0, &$1) }
        w.member("lighting", parking.lighting)
        w.member("refrigeration_outlet", parking.refrigerationOutlet)
        strings("standards", parking.standards, &w)
        w.member("apds_reference", parking.apdsReference)
        w.endObject()
    }

    // MARK: - Helpers

    /// 2.1.1 LocationType: the 2.2 parking types it lacks become OTHER, none becomes UNKNOWN.
    private static func locationType211(_ parkingType: Open<ParkingType>?) -> String {
        switch parkingType {
        case nil: "UNKNOWN"
        case .known(.alongMotorway), .known(.onDriveway): "OTHER"
        case .some(let type): type.rawValue
        }
    }

    private func writeTimestamp(_ own: Timestamp?, isLocation: Bool, _ w: inout JSONWriter) {
        switch timestamps {
        case .asSent: w.member("last_updated", own?.description)
        case .omitted: break
        case .registry(let changedAt):
            let value = isLocation ? changedAt : min(own ?? changedAt, changedAt)
            w.member("last_updated", value.description)
        }
    }

    private func writeExtensions(_ extensions: JSONObject, _ w: inout JSONWriter) {
        for member in extensions.members {
            w.key(member.key)
            w.value(member.value)
        }
    }

    private func list<T>(_ key: String, _ items: [T], _ w: inout JSONWriter, _ body: (T, inout JSONWriter) -> Void) {
        guard !items.isEmpty else { return }
        w.key(key)
        w.beginArray()
        for item in items { body(item, &w) }
        w.endArray()
    }

    private func object<T>(_ key: String, _ value: T?, _ w: inout JSONWriter, _ body: (T, inout JSONWriter) -> Void) {
        guard let value else { return }
        w.key(key)
        body(value, &w)
    }

    private func strings(_ key: String, _ values: [String], _ w: inout JSONWriter) {
        list(key, values, &w) { value, w in w.string(value) }
    }
}
