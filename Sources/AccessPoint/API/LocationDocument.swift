import JSON
import OCPI
import RegistryCore
import Storage

/// One location as the API shows it: the OCPI 2.3.0 document with the registry's change time as
/// `last_updated` (as exports do), and beside it what the registry knows of the record.
enum LocationDocument {
    static func json(_ stored: StoredLocation) throws -> [UInt8] {
        guard
            case .success(let decoded) = LocationDecoder(version: .v2_3_0).decode(try JSONParser.parse(stored.document))
        else { throw StoreError.query("stored document of \(stored.key) cannot be read back") }
        let document = LocationEncoder(version: .v2_3_0, timestamps: .registry(changedAt: stored.changedAt))
            .encode(decoded.location)
        var writer = JSONWriter(capacity: document.count + stored.findings.count + 512)
        writer.beginObject()
        writer.key("location")
        writer.raw(document)
        writer.key("registry")
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
        writer.endObject()
        return writer.bytes
    }
}
