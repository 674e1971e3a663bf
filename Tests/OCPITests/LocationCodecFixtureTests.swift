import Foundation
import JSON
import RegistryCore
import TestFixtures
import Testing

@testable import OCPI

/// Every Location of the spec's examples and of the real feeds decodes, and survives
/// encode → decode unchanged in the model, in its own version and in the canonical 2.3.0 form.
@Suite(.enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), .ownThread)
struct LocationCodecFixtureTests {
    struct Decoded {
        var version: OCPIVersion
        var party: PartyCode?
        var locations: [DecodedLocation]
        var refusals: [LocationRefusal]
    }

    static func decodeFile(_ url: URL, version: OCPIVersion? = nil, party: String? = nil) throws -> Decoded {
        var stream = JSONRecordStream(parser: JSONParser(bytes: try Data(contentsOf: url)))
        var records: [JSONValue] = []
        while let record = try stream.next() { records.append(record) }
        let version = version ?? records.first.map(LocationDecoder.detectVersion) ?? .v2_2_1
        let declared = try party.map { try PartyCode(parsing: $0) }
        let decoder = LocationDecoder(version: version, declaredParty: declared)
        var result = Decoded(version: version, party: declared, locations: [], refusals: [])
        var deferred: [JSONValue] = []
        for record in records {
            switch decoder.decode(record) {
            case .success(let decoded): result.locations.append(decoded)
            case .failure(let refusal) where refusal.awaitsFeedOperators: deferred.append(record)
            case .failure(let refusal): result.refusals.append(refusal)
            }
        }
        let feedOperators = Set(result.locations.flatMap { LocationDecoder.operatorCodes(of: $0.location) })
        for record in deferred {
            switch decoder.decode(record, feedOperators: feedOperators) {
            case .success(let decoded): result.locations.append(decoded)
            case .failure(let refusal): result.refusals.append(refusal)
            }
        }
        return result
    }

    /// Encodes and decodes again. 2.1.1 carries no owner fields, so its re-reading declares the owner.
    static func roundTrip(_ location: Location, version: OCPIVersion, party: PartyCode?) -> Location? {
        let party =
            version == .v2_1_1 ? try! PartyCode(countryCode: location.countryCode, partyID: location.partyID) : party
        let bytes = LocationEncoder(version: version).encode(location)
        let value = try! JSONParser.parse(bytes)
        return try? LocationDecoder(version: version, declaredParty: party).decode(value).get().location
    }

    @Test(arguments: Fixtures.specLocationExamples().map(\.url))
    func specExampleSurvivesRoundTrips(url: URL) throws {
        let folder = url.deletingLastPathComponent().lastPathComponent
        let decoded = try Self.decodeFile(
            url, version: OCPIVersion(text: folder), party: folder == "2.1.1" ? "BE*BEC" : nil)
        #expect(decoded.refusals.isEmpty)
        #expect(decoded.locations.count == 1)
        for item in decoded.locations {
            #expect(Self.roundTrip(item.location, version: decoded.version, party: decoded.party) == item.location)
            #expect(Self.roundTrip(item.location, version: .v2_3_0, party: nil) == item.location)
        }
    }

    @Test func cleanSpecExamplesHaveNoFindings() throws {
        for (version, url) in Fixtures.specLocationExamples()
        where version != "2.1.1" && !url.lastPathComponent.contains("erratum") {
            let decoded = try Self.decodeFile(url, version: OCPIVersion(text: version))
            #expect(decoded.locations.first?.findings == [], "\(version)/\(url.lastPathComponent)")
        }
    }

    @Test func erratumParkingAsStringsIsKeptAndFlagged() throws {
        let url = Fixtures.url("ocpi/2.3.0/location_example.v2.3.0-tag-erratum-parking-as-strings.json")
        let decoded = try Self.decodeFile(url, version: .v2_3_0)
        let findings = try #require(decoded.locations.first?.findings)
        #expect(findings.contains { $0.path.hasPrefix("evses[0].parking[0]") && $0.code == .invalidValue })
    }

    @Test(arguments: Fixtures.feeds())
    func feedDecodesCompletelyAndSurvivesRoundTrips(feed: (url: URL, party: String?)) throws {
        let decoded = try Self.decodeFile(feed.url, party: feed.party)
        #expect(decoded.refusals == [], "\(feed.url.lastPathComponent)")
        for item in decoded.locations {
            let again = Self.roundTrip(item.location, version: decoded.version, party: decoded.party)
            #expect(again == item.location, "\(feed.url.lastPathComponent) \(item.location.id)")
            #expect(Self.roundTrip(item.location, version: .v2_3_0, party: nil) == item.location)
        }
    }

    @Test func feedsHoldTheExpectedNumberOfLocations() throws {
        let total = try Fixtures.feeds().reduce(0) {
            $0 + (try Self.decodeFile($1.url, party: $1.party).locations.count)
        }
        #expect(total == 1660)
    }

    @Test func versionsAreDetected() throws {
        let versions = try Fixtures.feeds().map { try Self.decodeFile($0.url, party: $0.party).version }
        #expect(versions.filter { $0 == .v2_1_1 }.count == 1)  // Fastned
    }

    @Test func fastnedPartyIsInferredFromItsEVSEIDs() throws {
        let decoded = try Self.decodeFile(Fixtures.url("ocpi-feeds/ocpi_2_1_1_locations-fastned.json"))
        let first = try #require(decoded.locations.first)
        #expect(first.location.countryCode == "NL" && first.location.partyID == "FAS")
        #expect(first.findings.contains { $0.code == .partyInferred })
    }

    @Test func ev24WithoutPartyIsRefusedWithAReason() throws {
        let decoded = try Self.decodeFile(Fixtures.url("ocpi-feeds/ocpi_2_2_1_locations-ev24.json"))
        #expect(decoded.locations.isEmpty)
        #expect(decoded.refusals.count == 11)
        #expect(decoded.refusals.first?.reason.contains("none can be inferred") == true)
    }

    @Test func fastnedMixedAndEmptyLocationsResolveByCountry() throws {
        let decoded = try Self.decodeFile(Fixtures.url("ocpi-feeds/ocpi_2_1_1_locations-fastned.json"))
        let mixed = try #require(decoded.locations.first { $0.location.id == "49010" })
        #expect(mixed.location.countryCode == "DE")
        let empty = try #require(decoded.locations.first { $0.location.id == "50109" })
        #expect(empty.location.countryCode == "DE" && empty.location.partyID == "FAS")
        #expect(empty.findings.contains { $0.code == .partyInferred && $0.message.contains("rest of the feed") })
    }
}
