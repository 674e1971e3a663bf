import Foundation
import HTTPServer
import JSON
import OCPI
import Quality
import RegistryCore
import Storage
import TestDatabases
import TestFixtures
import Testing

@testable import AccessPoint

/// Issue #18, part 4(b) and (d): mutated OCPI documents through the JSON parser, the decoder of
/// each version, the encoders and the quality rules; then a share of them stored, with extreme
/// values also written straight into the stored rows, read back by the quality scan, the Sender,
/// the read API and the dumps. Nothing may trap; a refusal names its offset or its reason; what
/// the program writes is valid JSON.
@Suite(.ownThread) struct DocumentFuzzTests {
    /// The valid documents mutations start from: the example feed, generated demo locations with
    /// their faults, and the OCPI specification's examples when the fixtures are here.
    static let corpus: [JSONValue] = {
        var documents: [JSONValue] = []
        let feed = Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json")
        if let bytes = try? Data(contentsOf: feed), case .object(let envelope)? = try? JSONParser.parse(Array(bytes)),
            case .array(let data)? = envelope.members.first(where: { $0.key == "data" })?.value
        {
            documents += data
        }
        var demo: [UInt8] = []
        DemoFeed(country: "CO", locations: 40, seed: 3, faultRate: 0.3)?.write { demo += $0 }
        if case .object(let envelope)? = try? JSONParser.parse(demo),
            case .array(let data)? = envelope.members.first(where: { $0.key == "data" })?.value
        {
            documents += data
        }
        for version in ["2.1.1", "2.2.1", "2.3.0"] {
            if let bytes = try? Data(contentsOf: Fixtures.url("ocpi/\(version)/location_example.json")),
                let example = try? JSONParser.parse(Array(bytes))
            {
                documents.append(example)
            }
        }
        return documents
    }()

    static let rulebook = try! QualityRulebook()

    @Test func mutatedDocumentsAreReadOrRefusedAndWhatIsWrittenIsJSON() async throws {
        #expect(Self.corpus.count >= 40)
        var mutator = DocumentMutator(seed: FuzzBudget.seed, corpus: Self.corpus)
        let scorer = QualityScorer(
            catalogue: Self.rulebook.catalogue, policy: Self.rulebook.policy, timeZones: QualityRulebook.timeZones)
        let now = Timestamp(seconds: 1_796_000_000)
        let deadline = FuzzBudget.deadline()
        var counts = (documents: 0, syntax: 0, refused: 0, decoded: 0)
        var keep: [[UInt8]] = []
        for _ in 0..<FuzzBudget.documents where Date() < deadline {
            let bytes = mutator.next()
            counts.documents += 1
            let value: JSONValue
            do { value = try JSONParser.parse(bytes) } catch let error as JSONSyntaxError {
                counts.syntax += 1
                #expect(
                    (0...bytes.count).contains(error.byteOffset) && !error.message.isEmpty && error.line >= 1,
                    "\(error)")
                continue
            }
            for version in [OCPIVersion.v2_1_1, .v2_2_1, .v2_3_0] {
                switch LocationDecoder(version: version).decode(value) {
                case .failure(let refusal):
                    counts.refused += 1
                    #expect(!refusal.reason.isEmpty)
                case .success(let decoded):
                    counts.decoded += 1
                    for finding in decoded.findings { #expect(!finding.message.isEmpty, "\(finding)") }
                    for out in [OCPIVersion.v2_1_1, .v2_2_1, .v2_3_0] {
                        let written = LocationEncoder(version: out).encode(decoded.location)
                        #expect(
                            (try? JSONParser.parse(written)) != nil,
                            "\(version) → \(out): \(String(decoding: written.prefix(300), as: UTF8.self))")
                    }
                    let receipt = TimelinessRules.Receipt(changedAt: now, confirmedAt: now, version: 1, pushed: false)
                    let quality = scorer.score(
                        decoded.location, stored: decoded.findings, crossRecord: [], receipt: receipt, now: now)
                    #expect((0...100).contains(quality.combined), "\(quality.combined)")
                    if version == .v2_2_1 && keep.count * 10 < counts.documents { keep.append(bytes) }
                }
            }
        }
        FuzzBudget.report(
            "documents: \(counts.documents) mutated, \(counts.syntax) not JSON, \(counts.decoded) decoded and "
                + "\(counts.refused) refused over three versions, \(keep.count) kept for the stored pass")
        try await Self.storedPass(keep)
    }

    /// The kept documents ingested, then extreme values written straight into the stored rows
    /// (as an older program or a hand edit could have left them), then everything that reads
    /// stored data: the quality scan, the Sender of each version, the read API, the dumps.
    static func storedPass(_ documents: [[UInt8]]) async throws {
        let file = Fixtures.temporaryDirectory().appendingPathComponent("fuzz-feed.json")
        try Data(("[" + documents.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]").utf8)
            .write(to: file)
        for backend in TestBackend.available {
            try await backend.withStore { store, database in
                let report = try await FileIngest(store: store).ingest(path: file.path, party: nil, version: .v2_2_1)
                #expect(report.run.summary.read == documents.count, "\(backend)")
                let infinity = backend == .sqlite ? "9e999" : "'Infinity'::float8"
                for sql in [
                    "UPDATE locations SET latitude = \(infinity), longitude = -\(infinity) WHERE id % 3 = 0",
                    "UPDATE locations SET latitude = 1e300 WHERE id % 3 = 1",
                    "UPDATE evses SET latitude = \(infinity), longitude = 0",
                    "UPDATE connectors SET max_voltage = 9223372036854775807, max_amperage = 9223372036854775807",
                    "UPDATE locations SET max_power_w = 9223372036854775807 WHERE id % 2 = 0",
                ] {
                    try database.execute(sql)
                }
                let scan = QualityScan(store: store, rulebook: rulebook)
                let result = try await scan.run()
                try await scan.record(result)
                var router = HTTPRouter()
                AccessRoutes(store: store, backend: backend.rawValue).routes(into: &router)
                for target in [
                    "/ocpi/2.1.1/sender/locations?limit=1000", "/ocpi/2.2.1/sender/locations?limit=1000",
                    "/ocpi/2.3.0/sender/locations?date_from=2000-01-01T00:00:00Z&limit=1000",
                    "/api/v1/locations?limit=1000", "/api/v1/locations?bbox=-180,-90,180,90&limit=1000",
                    "/api/v1/locations?near=0,0&radius_m=100000", "/api/v1/locations?min_power_kw=10000",
                    "/api/v1/quality", "/api/v1/stats",
                ] {
                    let response = await router.respond(to: HTTPRequest(method: "GET", target: target))
                    #expect(response.status == .ok, "\(backend) \(target)")
                    #expect((try? JSONParser.parse(response.body)) != nil, "\(backend) \(target)")
                }
                for format in LocationDump.Format.allCases {
                    let sink = CollectingSink()
                    let dump = LocationDump(
                        store: store, format: format, filter: LocationFilter(), licence: "CC-BY-4.0",
                        generatedAt: Timestamp(seconds: 1_796_000_000))
                    _ = try await dump.write(to: sink)
                    if format != .csv {
                        #expect((try? JSONParser.parse(sink.bytes)) != nil, "\(backend) \(format)")
                    }
                }
            }
        }
    }
}

/// A dump's bytes, kept in memory.
final class CollectingSink: DumpSink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [UInt8] = []
    var bytes: [UInt8] { lock.withLock { collected } }
    func write(_ bytes: [UInt8]) async throws { lock.withLock { collected += bytes } }
}
