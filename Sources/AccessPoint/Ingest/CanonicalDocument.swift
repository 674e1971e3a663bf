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
        let (document, timestamps) = LocationEncoder(version: version, timestamps: .asSent)
            .encodeMarkingTimestamps(decoded.location)
        return IncomingLocation(
            location: decoded.location, findings: decoded.findings, document: document,
            contentHash: contentHash(document, skipping: timestamps))
    }

    /// SHA-256 of the document without the given byte ranges.
    static func contentHash(_ document: [UInt8], skipping ranges: [Range<Int>]) -> [UInt8] {
        var hasher = SHA256()
        var start = 0
        for range in ranges {
            hasher.update(document[start..<range.lowerBound])
            start = range.upperBound
        }
        hasher.update(document[start...])
        return hasher.finalize()
    }
}
