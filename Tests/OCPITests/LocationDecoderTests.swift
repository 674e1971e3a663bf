import JSON
import RegistryCore
import Testing

@testable import OCPI

@Suite struct LocationDecoderTests {
    static let minimal = #"""
        {"country_code":"CL","party_id":"ABC","id":"LOC-1","publish":true,"address":"Av. Apoquindo 3000",
         "city":"Santiago","country":"CHL","coordinates":{"latitude":"-33.416890","longitude":"-70.604260"},
         "time_zone":"America/Santiago","last_updated":"2026-01-05T10:00:00Z",
         "evses":[{"uid":"E1","evse_id":"CL*ABC*E0001","status":"AVAILABLE","last_updated":"2026-01-05T10:00:00Z",
           "connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE",
             "max_voltage":230,"max_amperage":32,"last_updated":"2026-01-05T10:00:00Z"}]}]}
        """#

    func decode(_ text: String, version: OCPIVersion = .v2_2_1, party: PartyCode? = nil) throws -> DecodedLocation {
        try LocationDecoder(version: version, declaredParty: party).decode(JSONParser.parse(Array(text.utf8))).get()
    }

    func variant(_ edit: (inout JSONObject) -> Void) -> String {
        guard case .object(var object) = try! JSONParser.parse(Array(Self.minimal.utf8)) else { fatalError() }
        edit(&object)
        var writer = JSONWriter()
        writer.value(.object(object))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func aCleanRecordHasNoFindings() throws {
        let decoded = try decode(Self.minimal)
        #expect(decoded.findings == [])
        #expect(decoded.location.evses.first?.connectors.first?.powerWatts == 230 * 32 * 3)
    }

    @Test func coordinatesAsNumbersAreConvertedAndFlagged() throws {
        let text = Self.minimal.replacing(#""latitude":"-33.416890""#, with: #""latitude":-33.41689"#)
        let decoded = try decode(text)
        #expect(decoded.location.coordinates?.latitude == "-33.41689")
        #expect(decoded.findings.map(\.code) == [.wrongType])
        #expect(decoded.findings.first?.path == "coordinates.latitude")
    }

    @Test func explicitNullsAndMissingRequiredFieldsAreFlagged() throws {
        let text = variant { object in
            object.members.removeAll { $0.key == "city" }
            object.members.append(JSONMember(key: "state", value: .null))
        }
        let decoded = try decode(text)
        #expect(decoded.location.city == nil)
        #expect(Set(decoded.findings.map(\.code)) == [.missingRequired, .explicitNull])
        #expect(decoded.findings.contains { $0.path == "city" })
    }

    @Test func unknownMembersAreKeptAsExtensions() throws {
        let text = Self.minimal.replacing(#""format":"SOCKET","#, with: #""format":"SOCKET","cp_id":"121","#)
        let decoded = try decode(text)
        let connector = try #require(decoded.location.evses.first?.connectors.first)
        #expect(connector.extensions["cp_id"] == .string("121"))
        #expect(decoded.findings.first?.path == "evses[0].connectors[0].cp_id")
        let encoded = String(decoding: LocationEncoder(version: .v2_2_1).encode(decoded.location), as: UTF8.self)
        #expect(encoded.contains(#""cp_id":"121""#))
    }

    @Test func unknownAndMiscasedEnumValuesAreKept() throws {
        let text = Self.minimal.replacing(#""standard":"IEC_62196_T2""#, with: #""standard":"TYPE_2""#)
            .replacing(#""status":"AVAILABLE""#, with: #""status":"available""#)
        let decoded = try decode(text)
        #expect(decoded.location.evses[0].connectors[0].standard == .other("TYPE_2"))
        #expect(decoded.location.evses[0].status == .known(.available))
        #expect(Set(decoded.findings.map(\.code)) == [.unknownEnumValue, .enumCase])
    }

    /// Real feeds pad values (issue #21): `" 7.8532"` would be no coordinate and `"CHARGING "`
    /// an unknown status; trimmed, each with a finding naming what was sent.
    @Test func whiteSpaceAroundEnumerationsAndCoordinatesIsTrimmedAndFlagged() throws {
        let text = Self.minimal.replacing(#""longitude":"-70.604260""#, with: #""longitude":" -70.604260\t""#)
            .replacing(#""status":"AVAILABLE""#, with: #""status":"CHARGING ""#)
            .replacing(
                #""evse_id":"CL*ABC*E0001","#, with: #""evse_id":"CL*ABC*E0001","capabilities":[" RESERVABLE"],"#)
        let decoded = try decode(text)
        #expect(decoded.location.coordinates?.longitude == "-70.604260")
        #expect(decoded.location.coordinates.flatMap { Double($0.longitude) } == -70.60426)
        #expect(decoded.location.evses[0].status == .known(.charging))
        #expect(decoded.location.evses[0].capabilities == [.known(.reservable)])
        #expect(decoded.findings.map(\.code) == Array(repeating: .surroundingWhitespace, count: 3))
        #expect(
            Set(decoded.findings.map(\.path))
                == ["coordinates.longitude", "evses[0].status", "evses[0].capabilities[0]"], "\(decoded.findings)")
        #expect(decoded.findings.contains { $0.message.contains(#""CHARGING " has white space around it"#) })
    }

    /// OCPI ids are printable ASCII (CiString); others are kept as sent and flagged (issue #21).
    @Test func idsBeyondPrintableASCIIAreKeptAndFlagged() throws {
        let text = Self.minimal.replacing(#""uid":"E1""#, with: #""uid":"Estación-1""#)
            .replacing(#""id":"1","standard""#, with: #""id":"ñ","standard""#)
        let decoded = try decode(text)
        #expect(decoded.location.evses[0].uid == "Estación-1")
        #expect(decoded.findings.map(\.code) == [.idNotPrintableASCII, .idNotPrintableASCII])
        #expect(decoded.findings.map(\.path) == ["evses[0].uid", "evses[0].connectors[0].id"])
        #expect(try decode(Self.minimal).findings.isEmpty)
    }

    @Test func fieldsOfAnotherVersionAreMappedAndFlagged() throws {
        let text = Self.minimal.replacing(
            #""max_voltage":230,"max_amperage":32"#, with: #""voltage":230,"amperage":32"#)
        let decoded = try decode(text)
        #expect(decoded.location.evses[0].connectors[0].maxVoltage == 230)
        #expect(decoded.findings.map(\.code) == [.fieldOfOtherVersion, .fieldOfOtherVersion])
    }

    @Test func anArrayOfOneWhereAnObjectIsDueIsUnwrapped() throws {
        let text = Self.minimal.replacing(
            #""coordinates":{"latitude":"-33.416890","longitude":"-70.604260"}"#,
            with: #""coordinates":[{"latitude":"-33.416890","longitude":"-70.604260"}]"#)
        let decoded = try decode(text)
        #expect(decoded.location.coordinates?.longitude == "-70.604260")
        #expect(decoded.findings.map(\.code) == [.arrayForObject])
    }

    @Test func offsetsAreConvertedToUTCAndFlagged() throws {
        let text = variant { object in
            object.members.removeAll { $0.key == "last_updated" }
            object.members.append(JSONMember(key: "last_updated", value: .string("2026-01-05T07:00:00-03:00")))
        }
        let decoded = try decode(text)
        #expect(decoded.location.lastUpdated?.description == "2026-01-05T10:00:00Z")
        #expect(decoded.findings.map(\.code) == [.dateTimeNotUTC])
    }

    @Test func aRecordWithoutIdOrPartyIsRefused() throws {
        let noID = variant { $0.members.removeAll { $0.key == "id" } }
        #expect(throws: LocationRefusal(locationID: nil, reason: "the record has no id")) { try decode(noID) }
        let noParty = variant { object in
            object.members.removeAll { $0.key == "party_id" }
            object.members.removeAll { $0.key == "evses" }
        }
        #expect(throws: LocationRefusal.self) { try decode(noParty) }
        let inferred = try decode(variant { $0.members.removeAll { $0.key == "party_id" } })
        #expect(inferred.location.partyID == "ABC")
        #expect(inferred.findings.contains { $0.code == .partyInferred })
        let declared = try decode(noParty, party: try PartyCode(parsing: "CL*XYZ"))
        #expect(declared.location.partyID == "XYZ")
    }

    /// An id, EVSE uid or connector id that cannot name an object is refused, naming the field:
    /// a control character (a NUL would end the id in the store) or more than 255 bytes. Longer
    /// than OCPI's 36 but within 255 is kept and flagged.
    @Test func idsThatCannotNameAnObjectAreRefused() throws {
        let cases: [(String, String, String)] = [
            (#""id":"LOC-1""#, #""id":"LOC-1\u0000SHADOW""#, "id contains the control character U+0000"),
            (#""id":"LOC-1""#, #""id":"LOC\t1""#, "id contains the control character U+0009"),
            (#""id":"LOC-1""#, #""id":"LOC-1\u0085""#, "id contains the control character U+0085"),
            (#""uid":"E1""#, #""uid":"E1\u001b""#, "evses[0].uid contains the control character U+001B"),
            (
                #""id":"1""#, #""id":"\#(String(repeating: "9", count: 256))""#,
                "evses[0].connectors[0].id is 256 bytes long"
            ),
        ]
        for (original, replacement, reason) in cases {
            let text = Self.minimal.replacing(original, with: replacement)
            let refusal = try #require(throws: LocationRefusal.self) { try decode(text) }
            #expect(refusal.reason.hasPrefix(reason), "\(refusal.reason)")
        }
        let long = try decode(
            Self.minimal.replacing(#""id":"LOC-1""#, with: #""id":"\#(String(repeating: "L", count: 40))""#))
        #expect(long.location.id.count == 40 && long.findings.map(\.code) == [.tooLong])
    }

    @Test func version211ConnectorsAndTypeMapOntoTheModel() throws {
        let text = #"""
            {"id":"1","type":"OTHER","address":"a","city":"c","postal_code":"1","country":"NLD",
             "coordinates":{"latitude":"52.000000","longitude":"5.000000"},"last_updated":"2017-01-01T00:00:00Z",
             "evses":[{"uid":"1","evse_id":"NL*FAS*E1","status":"AVAILABLE","last_updated":"2017-01-01T00:00:00Z",
               "connectors":[{"id":"1","standard":"CHADEMO","format":"CABLE","power_type":"DC","voltage":500,
                 "amperage":125,"tariff_id":"T1","last_updated":"2017-01-01T00:00:00Z"}]}]}
            """#
        let decoded = try decode(text, version: .v2_1_1)
        #expect(decoded.findings.map(\.code) == [.partyInferred])
        #expect(decoded.location.parkingType == nil)
        #expect(decoded.location.evses[0].connectors[0].tariffIDs == ["T1"])
        let out = String(decoding: LocationEncoder(version: .v2_1_1).encode(decoded.location), as: UTF8.self)
        #expect(out.contains(#""voltage":500"#) && out.contains(#""tariff_id":"T1""#) && !out.contains("country_code"))
    }

    @Test func registryTimestampsReplaceTheOperatorsOnExport() throws {
        let decoded = try decode(Self.minimal)
        let changedAt = Timestamp.parse("2026-02-01T00:00:00.5Z")!.timestamp
        let out = String(
            decoding: LocationEncoder(version: .v2_2_1, timestamps: .registry(changedAt: changedAt))
                .encode(decoded.location), as: UTF8.self)
        #expect(out.hasSuffix(#""last_updated":"2026-02-01T00:00:00.500Z"}"#))
        #expect(out.contains(#""last_updated":"2026-01-05T10:00:00Z""#))
        let hashed = String(
            decoding: LocationEncoder(version: .v2_3_0, timestamps: .omitted).encode(decoded.location), as: UTF8.self)
        #expect(!hashed.contains("last_updated"))
    }
}

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2015-06-29T20:39:09Z", "2015-06-29T20:39:09Z"), ("2015-06-29T20:39:09", "2015-06-29T20:39:09Z"),
        ("2016-12-29T17:45:09.2Z", "2016-12-29T17:45:09.200Z"),
        ("2018-01-01T01:08:01.123Z", "2018-01-01T01:08:01.123Z"),
        ("2018-01-01T01:08:01.123456789Z", "2018-01-01T01:08:01.123Z"),
        ("2024-02-29T23:00:00+02:00", "2024-02-29T21:00:00Z"), ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ("1969-12-31T23:59:59.000001Z", "1969-12-31T23:59:59Z"),
        ("1969-12-31T23:59:59.01Z", "1969-12-31T23:59:59.010Z"),
        ("0999-01-01T00:00:00Z", "0999-01-01T00:00:00Z"),
        // Issue #18: any number of fraction digits read; issue #21: milliseconds written, at
        // most 25 characters (OCPI 2.2.1 §16.2) in any four-digit year.
        ("2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00.123Z"),
        ("2026-01-01T00:00:00.\(String(repeating: "9", count: 400))Z", "2026-01-01T00:00:00.999Z"),
        ("0000-01-01T00:00:00+23:59", "-0001-12-31T00:01:00Z"),
        ("9999-12-31T23:59:60.999999999-23:59", "10000-01-01T23:59:00.999Z"),
    ])
    func parsesAndFormats(text: String, formatted: String) throws {
        let timestamp = try #require(Timestamp.parse(text)).timestamp
        #expect(timestamp.description == formatted)
        #expect(timestamp.description.utf8.count <= 25 || formatted.hasPrefix("10000"))
        // Read again, what was written is the same instant to the millisecond (in the years
        // RFC 3339 can write).
        if !formatted.hasPrefix("-") && !formatted.hasPrefix("10000") {
            #expect(Timestamp.parse(formatted)?.timestamp == timestamp.truncatedToMilliseconds)
        }
    }

    @Test(arguments: [
        "yesterday", "2015-13-01T00:00:00Z", "2015-02-30T00:00:00Z", "2015-06-29T20:39:09.Z", "2015-06-29",
        "2015-06-29T20:39:09.1.2Z", "2015-06-29T20:39:09.-1Z", "2015-06-29T20:39:09+24:00", "2015-06-29T20:39:09+0",
        "+2015-06-29T20:39:09Z", "2015-06-29T20:39:09ZZ",
    ])
    func refusesWhatIsNotADateTime(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}

@Suite struct DuplicateMemberTests {
    @Test func theFirstOfTwoMembersIsUsedAndTheSecondFlagged() throws {
        let text = LocationDecoderTests.minimal.replacing(
            #""city":"Santiago","#, with: #""city":"Santiago","city":"Valparaíso","#)
        let decoded = try LocationDecoder(version: .v2_2_1).decode(JSONParser.parse(Array(text.utf8))).get()
        #expect(decoded.location.city == "Santiago")
        #expect(
            decoded.findings == [Finding(.duplicateField, "city", "field 'city' appears again; the first one was used")]
        )
        #expect(decoded.location.extensions.isEmpty)
    }
}
