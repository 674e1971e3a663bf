import JSON
import RegistryCore

/// One location as an RFC 7946 Feature: a Point at `[longitude, latitude]` (§3.1.1: longitude
/// first), or a null geometry when the location has no usable coordinates (§3.2), with what a
/// map needs as properties.
enum LocationGeoJSON {
    static func feature(_ location: Location, changedAt: Timestamp, _ out: inout [UInt8]) {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.member("type", "Feature")
        w.member("id", "\(location.countryCode)*\(location.partyID)*\(location.id)")
        w.key("geometry")
        if let latitude = location.coordinates?.latitudeDegrees, let longitude = location.coordinates?.longitudeDegrees
        {
            w.beginObject()
            w.member("type", "Point")
            w.key("coordinates")
            w.beginArray()
            w.number(JSONNumber(text: "\(longitude)"))
            w.number(JSONNumber(text: "\(latitude)"))
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.key("properties")
        w.beginObject()
        w.member("country_code", location.countryCode)
        w.member("party_id", location.partyID)
        w.member("location_id", location.id)
        w.member("name", location.name)
        w.member("address", location.address)
        w.member("city", location.city)
        w.member("postal_code", location.postalCode)
        w.member("country", location.country)
        w.member("operator", location.operator?.name)
        let connectors = location.evses.flatMap(\.connectors)
        w.member("evse_count", location.evses.count)
        w.member("connector_count", connectors.count)
        if let watts = connectors.compactMap(\.powerWatts).max() {
            w.member("max_power_kw", JSONNumber(text: "\(Double(watts) / 1000)"))
        }
        w.key("connector_standards")
        w.beginArray()
        for standard in Set(connectors.compactMap { $0.standard?.rawValue }).sorted() { w.string(standard) }
        w.endArray()
        w.key("evse_statuses")
        w.beginObject()
        var statuses: [String: Int] = [:]
        for evse in location.evses { statuses[evse.status?.rawValue ?? "UNKNOWN", default: 0] += 1 }
        for (status, count) in statuses.sorted(by: { $0.key < $1.key }) { w.member(status, count) }
        w.endObject()
        w.member("last_updated", changedAt.description)
        w.endObject()
        w.endObject()
        out += w.bytes
    }
}
