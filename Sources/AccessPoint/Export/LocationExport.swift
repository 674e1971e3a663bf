#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import JSON
import OCPI
import RegistryCore
import Storage
import Synchronization

/// Writes the stored locations as one JSON array of OCPI Locations of a chosen version,
/// streamed in bounded memory: each stored canonical document is read, re-encoded for the
/// version with the fast writer, and written out in chunks (never Foundation's JSONEncoder).
public struct LocationExport: Sendable {
    /// Which `last_updated` an export carries (DESIGN.md: the registry's change time is what
    /// aggregators filter on; `operator` gives back exactly what operators sent).
    public enum Timestamps: String, Sendable, CaseIterable {
        case registry, `operator`
    }

    public let store: any Store
    public var version: OCPIVersion
    public var timestamps: Timestamps
    public var query: LocationQuery

    public init(
        store: any Store, version: OCPIVersion, timestamps: Timestamps = .registry,
        query: LocationQuery = LocationQuery()
    ) {
        self.store = store
        self.version = version
        self.timestamps = timestamps
        self.query = query
    }

    /// Writes the export to an open file descriptor; returns the number of locations and bytes.
    public func write(to fd: Int32) async throws -> (locations: Int, bytes: Int) {
        let sink = ExportSink(fd: fd)
        let version = version
        let timestamps = timestamps
        sink.append(UInt8(ascii: "["))
        try await store.forEachLocation(query) { stored in
            guard
                case .success(let decoded) = LocationDecoder(version: .v2_3_0).decode(
                    try JSONParser.parse(stored.document))
            else { throw StoreError.query("stored document of \(stored.key) cannot be read back") }
            let encoder = LocationEncoder(
                version: version,
                timestamps: timestamps == .registry ? .registry(changedAt: stored.changedAt) : .asSent)
            try sink.appendRecord(encoder.encode(decoded.location))
        }
        sink.append(UInt8(ascii: "]"))
        sink.append(UInt8(ascii: "\n"))
        try sink.flush()
        return (sink.records, sink.written)
    }
}

/// Buffers output and writes it in large chunks; used serially by the store's executor.
final class ExportSink: Sendable {
    private struct Buffer {
        var bytes: [UInt8] = []
        var records = 0
        var written = 0
    }

    private let fd: Int32
    private let buffer = Mutex(Buffer())
    static let chunkSize = 1 << 20

    init(fd: Int32) { self.fd = fd }

    var records: Int { buffer.withLock { $0.records } }
    var written: Int { buffer.withLock { $0.written } }

    func append(_ byte: UInt8) { buffer.withLock { $0.bytes.append(byte) } }

    func appendRecord(_ record: [UInt8]) throws {
        let full = buffer.withLock { buffer in
            if buffer.records > 0 { buffer.bytes.append(UInt8(ascii: ",")) }
            buffer.bytes.append(UInt8(ascii: "\n"))
            buffer.bytes.append(contentsOf: record)
            buffer.records += 1
            return buffer.bytes.count >= Self.chunkSize
        }
        if full { try flush() }
    }

    func flush() throws {
        try buffer.withLock { buffer in
            var offset = 0
            while offset < buffer.bytes.count {
                let count = buffer.bytes[offset...].withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress, raw.count)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.query("cannot write the export: \(String(cString: strerror(errno)))")
                }
                offset += count
            }
            buffer.written += buffer.bytes.count
            buffer.bytes.removeAll(keepingCapacity: true)
        }
    }
}
