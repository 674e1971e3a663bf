import Hashing
import JSON
import OCPI
import Quality
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

    /// The incoming form of a decoded location with the register's findings on its EVSE IDs
    /// (issue #5) and the per-record correctness rules' findings (issue #8) added: what every
    /// ingest path stores.
    public static func incoming(_ decoded: DecodedLocation, checkedAgainst register: RegisterSnapshot)
        -> IncomingLocation
    {
        var decoded = decoded
        decoded.findings += register.findings(of: decoded.location)
        decoded.findings += QualityRulebook.correctnessRules.findings(of: decoded.location)
        return incoming(decoded)
    }

    /// A stored location's model, read back from its canonical document (its findings were
    /// recorded at ingest, so the decoder's are not wanted).
    static func location(of stored: StoredLocation) throws -> Location {
        var decoder = LocationDecoder(version: version)
        decoder.checksEVSEIDs = false
        guard case .success(let decoded) = decoder.decode(try JSONParser.parse(stored.document)) else {
            throw DumpError.unreadableDocument(stored.key.description)
        }
        return decoded.location
    }

    /// Writes a stored location as `target`'s Location: from the stored bytes for 2.2.1 and 2.3.0
    /// (`CanonicalRewriter`), through the model for 2.1.1; a removed location's EVSEs say `REMOVED`.
    static func write(
        _ stored: StoredLocation, as target: OCPIVersion, timestamps: LocationEncoder.Timestamps,
        to out: inout [UInt8]
    ) throws {
        if let rewriter = CanonicalRewriter(version: target) {
            try rewriter.write(stored.document, timestamps: timestamps, removed: stored.removed, to: &out)
            return
        }
        var location = try location(of: stored)
        if stored.removed {
            for index in location.evses.indices { location.evses[index].status = .known(.removed) }
        }
        out += LocationEncoder(version: target, timestamps: timestamps).encode(location)
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
