import Hashing
import OCPI
import RegistryCore
import Storage

/// The registry's canonical form of a location: the OCPI 2.3.0 document (a superset of every
/// version, with the record's extensions and the operator's timestamps), and a content hash
/// that leaves the timestamps out so that a bare `last_updated` bump is not a change
/// (ocpi.md §10.3).
public enum CanonicalDocument {
    public static let version = OCPIVersion.v2_3_0

    public static func incoming(_ decoded: DecodedLocation) -> IncomingLocation {
        let document = LocationEncoder(version: version, timestamps: .asSent).encode(decoded.location)
        let hashed = LocationEncoder(version: version, timestamps: .omitted).encode(decoded.location)
        return IncomingLocation(
            location: decoded.location, findings: decoded.findings, document: document, contentHash: SHA256.hash(hashed))
    }
}
