import JSON
import OCPI
import RegistryCore
import Storage

/// The open-data dumps of issue #6: every published location matching a read-API filter,
/// streamed in key order a page at a time (the next page is read while this one is written),
/// so memory stays bounded whatever the dataset.
///
/// - `ocpi`: one JSON array of OCPI Locations (2.2.1 unless asked otherwise), written from the
///   stored bytes by `CanonicalRewriter`, never re-encoded per record;
/// - `csv`: one row per connector, RFC 4180, UTF-8 (`LocationCSV` lists the columns);
/// - `geojson`: an RFC 7946 FeatureCollection, one Point Feature per location.
public struct LocationDump: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case ocpi, csv, geojson

        public var contentType: String {
            switch self {
            case .ocpi: "application/json"
            case .csv: "text/csv; charset=utf-8; header=present"
            case .geojson: "application/geo+json"
            }
        }
    }

    /// Which `last_updated` an OCPI dump carries (DESIGN.md: the registry's change time is what
    /// aggregators filter on; `operator` gives back exactly what operators sent).
    public enum Timestamps: String, Sendable, CaseIterable {
        case registry, `operator`
    }

    public let store: any Store
    public var format: Format
    public var filter: LocationFilter
    public var ocpiVersion: OCPIVersion = .v2_2_1
    public var timestamps: Timestamps = .registry
    /// The licence the data is published under, named in the GeoJSON and by the HTTP headers.
    public var licence: String
    public var generatedAt: Timestamp
    /// Told after each page: the locations and bytes written so far.
    public var progress: (@Sendable (_ locations: Int, _ bytes: Int) -> Void)?

    static let pageSize = 1000
    static let chunkSize = 1 << 20

    public init(store: any Store, format: Format, filter: LocationFilter, licence: String, generatedAt: Timestamp) {
        self.store = store
        self.format = format
        self.filter = filter
        self.licence = licence
        self.generatedAt = generatedAt
    }

    /// Writes the dump; returns how many locations and bytes it wrote.
    @discardableResult
    public func write(to sink: some DumpSink) async throws -> (locations: Int, bytes: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(Self.chunkSize + 64 * 1024)
        var written = 0
        var count = 0
        writeHeader(&out)
        let store = store
        let filter = filter
        var pending = Task { try await store.listLocations(filter, cursor: nil, limit: Self.pageSize) }
        while true {
            let page = try await pending.value
            if let next = page.next {
                pending = Task { try await store.listLocations(filter, cursor: next, limit: Self.pageSize) }
            }
            for item in page.items {
                try writeRecord(item.location, first: count == 0, &out)
                count += 1
                if out.count >= Self.chunkSize {
                    try await sink.write(out)
                    written += out.count
                    out.removeAll(keepingCapacity: true)
                }
            }
            progress?(count, written + out.count)
            if page.next == nil { break }
        }
        writeFooter(&out)
        try await sink.write(out)
        return (count, written + out.count)
    }

    private func writeHeader(_ out: inout [UInt8]) {
        switch format {
        case .ocpi: out.append(UInt8(ascii: "["))
        case .csv: LocationCSV.header(&out)
        case .geojson:
            var writer = JSONWriter(capacity: 256)
            writer.beginObject()
            writer.member("type", "FeatureCollection")
            writer.member("generated_at", generatedAt.description)
            writer.member("licence", licence)
            writer.key("features")
            out += writer.bytes
            out.append(UInt8(ascii: "["))
        }
    }

    private func writeFooter(_ out: inout [UInt8]) {
        switch format {
        case .ocpi: out += Array("\n]\n".utf8)
        case .csv: break
        case .geojson: out += Array("\n]}\n".utf8)
        }
    }

    private func writeRecord(_ stored: StoredLocation, first: Bool, _ out: inout [UInt8]) throws {
        if format != .csv {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
        }
        let encoderTimestamps: LocationEncoder.Timestamps =
            timestamps == .registry ? .registry(changedAt: stored.changedAt) : .asSent
        switch format {
        case .ocpi: try CanonicalDocument.write(stored, as: ocpiVersion, timestamps: encoderTimestamps, to: &out)
        case .csv: LocationCSV.rows(try CanonicalDocument.location(of: stored), changedAt: stored.changedAt, &out)
        case .geojson:
            LocationGeoJSON.feature(try CanonicalDocument.location(of: stored), changedAt: stored.changedAt, &out)
        }
    }
}
