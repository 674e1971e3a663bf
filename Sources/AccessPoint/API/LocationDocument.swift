import JSON
import RegistryCore
import Storage

/// One location as the API shows it: the stored canonical OCPI 2.3.0 document (the operator's
/// `last_updated` values kept), and beside it the registry's own record: first seen, changed,
/// confirmed, version, source, findings. Written from the stored bytes, never re-encoded, so a
/// page of a hundred costs a copy each.
enum LocationDocument {
    static func json(_ stored: StoredLocation) -> [UInt8] {
        var writer = JSONWriter(capacity: stored.document.count + stored.findings.count + 512)
        item(stored, distance: nil, into: &writer)
        return writer.bytes
    }

    /// `GET /locations`: a page, with the total and the target of the next page.
    static func page(_ page: LocationPage, limit: Int, next: String?) -> [UInt8] {
        var writer = JSONWriter(capacity: page.items.reduce(256) { $0 + $1.location.document.count + 600 })
        writer.beginObject()
        writer.member("total", page.total)
        writer.member("limit", limit)
        writer.key("next")
        if let next { writer.string(next) } else { writer.null() }
        writer.key("items")
        writer.beginArray()
        for listed in page.items { item(listed.location, distance: listed.distanceMeters, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    private static func item(_ stored: StoredLocation, distance: Double?, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("location")
        writer.raw(stored.document)
        if let distance { writer.member("distance_m", Int(distance.rounded())) }
        writer.key("registry")
        registry(stored, into: &writer)
        writer.endObject()
    }

    /// `GET /evses/{evse_id}`: the EVSE object as stored, the location it belongs to, and any
    /// other location that carries the same EVSE ID. Picked out of the stored bytes by
    /// `JSONSkimmer`, without parsing the rest of the location.
    static func evseJSON(_ evseIDKey: String, in stored: StoredLocation, alsoIn others: [StoredLocation]) throws
        -> [UInt8]?
    {
        let document = JSONSkimmer(stored.document)
        let summaryKeys = ["country_code", "party_id", "id", "name", "city"]
        let members = try document.members(Set(summaryKeys + ["evses"]), in: try document.root())
        guard let evses = members["evses"],
            let evse = try document.elements(of: evses).first(where: { evse in
                guard let id = try document.members(["evse_id"], in: evse)["evse_id"] else { return false }
                return try document.string(at: id).map(EVSEID.lookupKey) == evseIDKey
            })
        else { return nil }
        var writer = JSONWriter(capacity: evse.count + stored.findings.count + 512)
        writer.beginObject()
        writer.key("evse")
        writer.raw(stored.document[evse])
        writer.key("location")
        writer.beginObject()
        for name in summaryKeys {
            if let range = members[name], let value = try document.string(at: range) { writer.member(name, value) }
        }
        writer.endObject()
        writer.key("also_in")
        writer.beginArray()
        for other in others { writer.string(other.key.description) }
        writer.endArray()
        writer.key("registry")
        registry(stored, into: &writer)
        writer.endObject()
        return writer.bytes
    }

    private static func registry(_ stored: StoredLocation, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("first_seen_at", stored.firstSeenAt.description)
        writer.member("changed_at", stored.changedAt.description)
        writer.member("confirmed_at", stored.confirmedAt.description)
        writer.member("operator_last_updated", stored.operatorLastUpdated?.description)
        writer.member("version", stored.version)
        writer.member("source_kind", stored.sourceKind.rawValue)
        writer.key("findings")
        writer.raw(stored.findings)
        writer.endObject()
    }
}
