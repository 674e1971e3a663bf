import JSON
import OCPI
import RegistryCore
import Storage

/// One location as the API shows it: the OCPI 2.3.0 document with the registry's change time as
/// `last_updated` (as exports do), and beside it what the registry knows of the record.
enum LocationDocument {
    /// The stored canonical document, read back into the model.
    static func model(_ stored: StoredLocation) throws -> Location {
        guard
            case .success(let decoded) = LocationDecoder(version: .v2_3_0).decode(try JSONParser.parse(stored.document))
        else { throw StoreError.query("stored document of \(stored.key) cannot be read back") }
        return decoded.location
    }

    static func encoder(_ stored: StoredLocation) -> LocationEncoder {
        LocationEncoder(version: .v2_3_0, timestamps: .registry(changedAt: stored.changedAt))
    }

    static func json(_ stored: StoredLocation) throws -> [UInt8] {
        let document = encoder(stored).encode(try model(stored))
        var writer = JSONWriter(capacity: document.count + stored.findings.count + 512)
        writer.beginObject()
        writer.key("location")
        writer.raw(document)
        writer.key("registry")
        registry(stored, into: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// `GET /evses/{evse_id}`: the EVSE object, the location it belongs to, and any other
    /// location that carries the same EVSE ID.
    static func evseJSON(_ evseIDKey: String, in stored: StoredLocation, alsoIn others: [StoredLocation]) throws
        -> [UInt8]?
    {
        let location = try model(stored)
        guard let evse = location.evses.first(where: { $0.evseID.map(EVSEID.lookupKey) == evseIDKey }) else {
            return nil
        }
        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        writer.key("evse")
        writer.raw(encoder(stored).encode(evse, parentTime: stored.changedAt))
        writer.key("location")
        writer.beginObject()
        writer.member("country_code", location.countryCode)
        writer.member("party_id", location.partyID)
        writer.member("id", location.id)
        writer.member("name", location.name)
        writer.member("city", location.city)
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
