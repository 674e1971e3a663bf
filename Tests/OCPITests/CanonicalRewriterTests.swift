import Foundation
import JSON
import RegistryCore
import TestFixtures
import Testing

@testable import OCPI

/// The export fast path (issue #6) writes exactly what decoding the stored document and encoding
/// it again would write, for every location of the spec's examples and of the real feeds.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), .ownThread)
struct CanonicalRewriterTests {
    static let changedAt = Timestamp.parse("2026-11-20T10:00:00Z")!.timestamp

    static func locations() throws -> [Location] {
        var all: [Location] = []
        for feed in Fixtures.feeds() {
            all += try LocationCodecFixtureTests.decodeFile(feed.url, party: feed.party).locations.map(\.location)
        }
        for example in Fixtures.specLocationExamples() {
            let folder = example.url.deletingLastPathComponent().lastPathComponent
            all += try LocationCodecFixtureTests.decodeFile(
                example.url, version: OCPIVersion(text: folder), party: folder == "2.1.1" ? "BE*BEC" : nil
            ).locations.map(\.location)
        }
        return all
    }

    /// Member order aside (a member the rewriter adds goes last), the same JSON.
    static func sameJSON(_ a: [UInt8], _ b: [UInt8]) throws -> Bool {
        if a == b { return true }
        func sorted(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(var object):
                object.members = object.members.map { JSONMember(key: $0.key, value: sorted($0.value)) }
                    .sorted { $0.key < $1.key }
                return .object(object)
            case .array(let items): return .array(items.map(sorted))
            default: return value
            }
        }
        return sorted(try JSONParser.parse(a)) == sorted(try JSONParser.parse(b))
    }

    @Test(arguments: [OCPIVersion.v2_2_1, .v2_3_0])
    func rewritingEqualsDecodingAndEncoding(_ version: OCPIVersion) throws {
        let rewriter = try #require(CanonicalRewriter(version: version))
        let locations = try Self.locations()
        #expect(locations.count > 1600)
        for location in locations {
            let stored = LocationEncoder(version: .v2_3_0, timestamps: .asSent).encode(location)
            for timestamps in [LocationEncoder.Timestamps.asSent, .registry(changedAt: Self.changedAt), .omitted] {
                var rewritten: [UInt8] = []
                try rewriter.write(stored, timestamps: timestamps, to: &rewritten)
                let encoded = LocationEncoder(version: version, timestamps: timestamps).encode(location)
                #expect(try Self.sameJSON(rewritten, encoded), "\(location.key) \(timestamps)")
            }
            var removed = location
            for index in removed.evses.indices { removed.evses[index].status = .known(.removed) }
            var rewritten: [UInt8] = []
            try rewriter.write(stored, timestamps: .registry(changedAt: Self.changedAt), removed: true, to: &rewritten)
            let encoded = LocationEncoder(version: version, timestamps: .registry(changedAt: Self.changedAt))
                .encode(removed)
            #expect(try Self.sameJSON(rewritten, encoded), "removed \(location.key)")
        }
    }

    /// Documents stored before issue #21 carry finer fractions than the millisecond: written
    /// again, each DateTime has three digits at most (OCPI 2.2.1 §16.2: at most 25 characters).
    @Test func storedFinerTimestampsAreWrittenToTheMillisecond() throws {
        let rewriter = try #require(CanonicalRewriter(version: .v2_2_1))
        let stored =
            #"{"id": "1", "last_updated": "2026-11-20T10:00:00.123456Z", "evses": [{"uid": "E1", "#
            + #""last_updated": "2026-11-20T09:00:00.5000001Z", "connectors": []}]}"#
        var out: [UInt8] = []
        try rewriter.write(Array(stored.utf8), timestamps: .asSent, to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains(#""last_updated":"2026-11-20T10:00:00.123Z""#), "\(text)")
        #expect(text.contains(#""last_updated":"2026-11-20T09:00:00.500Z""#), "\(text)")
    }

    @Test func aDocumentItCannotWalkIsAnError() throws {
        let rewriter = try #require(CanonicalRewriter(version: .v2_2_1))
        var out: [UInt8] = []
        #expect(throws: JSONSyntaxError.self) {
            try rewriter.write(Array(#"{"id": "1", "evses": [{"uid": }]}"#.utf8), timestamps: .asSent, to: &out)
        }
        #expect(CanonicalRewriter(version: .v2_1_1) == nil)
    }
}
