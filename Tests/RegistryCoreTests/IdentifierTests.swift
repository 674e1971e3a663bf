import Testing

@testable import RegistryCore

@Suite struct PartyCodeTests {
    @Test(arguments: ["CL*ABC", "CLABC", "cl*abc", "Cl-aBc"])
    func parsesEveryAcceptedSpelling(text: String) throws {
        let code = try PartyCode(parsing: text)
        #expect(code.description == "CL*ABC")
        #expect(code.compact == "CLABC")
    }

    @Test(arguments: [
        ("CL*AB", PartyCodeError.badPartyID("CL*AB")), ("CL*ABCD", .badLength("CL*ABCD")),
        ("C1ABC", .badCountryCode("C1ABC")),
        ("CLA-C", .badPartyID("CLA-C")), ("XXABC", .unknownCountry("XX")), ("CL**ABC", .badLength("CL**ABC")),
    ])
    func refusesWithAReason(text: String, error: PartyCodeError) {
        #expect(throws: error) { try PartyCode(parsing: text) }
    }

    @Test func isCaseInsensitivelyEqual() throws {
        #expect(try PartyCode(parsing: "de*8eo") == PartyCode(countryCode: "DE", partyID: "8EO"))
    }
}

@Suite struct CountryTests {
    @Test func mapsAlpha2AndAlpha3() {
        #expect(Country(alpha2: "cl")?.alpha3 == "CHL")
        #expect(Country(alpha3: "CRI")?.alpha2 == "CR")
        #expect(Country(alpha3: "Polska") == nil)
        #expect(Country.all.count == 249)
    }
}

@Suite struct EVSEIDTests {
    @Test func parsesAndNormalisesTheWorkedExample() throws {
        let id = try EVSEID(parsing: "DE*ABC*E123456*1")
        #expect(id.normalized == "DEABCE1234561")
        #expect(id.description == "DE*ABC*E123456*1")
        #expect(id.operatorCode.description == "DE*ABC")
        #expect(id.marker == .evse)
        #expect(id.isCanonical)
    }

    @Test(arguments: [
        "BE*BEC*E041503001", "NLFASE3100201", "de*abc*e123", "DE*DES*E*BMW*0113*2".replacing("E*BMW", with: "EBMW"),
        "FR*GRN*EES*VAL*PATACONA*1*B", "MY*CSN*EBAY01PORT1428",
    ])
    func acceptsTheIngestGrammar(text: String) throws {
        _ = try EVSEID(parsing: text)
    }

    @Test func separatorsAndCaseDoNotChangeTheKey() throws {
        #expect(try EVSEID(parsing: "de*abc*e123").normalized == EVSEID(parsing: "DEABCE123").normalized)
        #expect(EVSEID.lookupKey("de*abc*e123") == EVSEID.lookupKey("DE-ABC-E123"))
    }

    @Test(arguments: [
        ("PL-97453", EVSEIDError.notEMI3("PL-97453")), ("1210", .notEMI3("1210")),
        ("TR*OTO*1034009702", .notEMI3("TR*OTO*1034009702")), ("DE*ABC*E", .notEMI3("DE*ABC*E")),
        ("ZZ*ABC*E1", .unknownCountry("ZZ*ABC*E1")),
        ("DE*ABC*E" + String(repeating: "1", count: 32), .tooLong("DE*ABC*E" + String(repeating: "1", count: 32))),
    ])
    func refusesWhatIsNotEMI3(text: String, error: EVSEIDError) {
        #expect(throws: error) { try EVSEID(parsing: text) }
    }

    @Test func recognisesPoolIDsAndNonCanonicalSeparators() throws {
        #expect(try EVSEID(parsing: "FRA68P68021001").marker == .pool)
        #expect(try EVSEID(parsing: "DE*ABCE123").isCanonical == false)
        #expect(try EVSEID(parsing: "DE*ABC*E123*").isCanonical == false)
        #expect(try EVSEID(parsing: "BE-BEC-E041503001").isCanonical == false)
        #expect(try EVSEID(parsing: "BE-BEC-E041503001").normalized == "BEBECE041503001")
    }

    @Test func recognisesDINLegacy() {
        #expect(EVSEID.isDINLegacy("+49*810*000*438"))
        #expect(EVSEID.isDINLegacy("49*810*1"))
        #expect(!EVSEID.isDINLegacy("DE*810*1"))
    }
}

@Suite struct EMAIDTests {
    // mobilityid CheckDigitSpec (registries.md §1.5).
    @Test(arguments: [
        ("NN123ABCDEFGHI", "T"), ("FRXYZ123456789", "2"), ("ITA1B2C3E4F5G6", "4"), ("ESZU8WOX834H1D", "R"),
        ("PT73902837ABCZ", "Z"), ("DE83DUIEN83QGZ", "D"), ("DE83DUIEN83ZGQ", "M"), ("DE8AA001234567", "0"),
        ("NLTNM000122045", "U"), ("NLTNMC00122045", "K"), ("NLTNM000722345", "X"),
    ])
    func isoCheckDigit(text: String, digit: Character) {
        #expect(EMAID.checkDigit(for: text) == digit)
    }

    // mobilityid CheckDigitDin.
    @Test(arguments: [
        ("INTNM000071", "9"), ("INTNM000110", "X"), ("INTNM000124", "0"), ("INTNM000114", "6"),
        ("INTNM000191", "5"), ("NLTNM122045", "0"), ("NLTNM012204", "5"),
    ])
    func dinCheckDigit(text: String, digit: Character) {
        #expect(EMAID.dinCheckDigit(for: text) == digit)
    }

    @Test func parsesBothSpellingsAndVerifiesTheCheckDigit() throws {
        #expect(try EMAID(parsing: "NL-TNM-C00122045-K").description == "NL-TNM-C00122045-K")
        #expect(try EMAID(parsing: "nltnmc00122045k").instance == "C00122045")
        #expect(try EMAID(parsing: "NLTNM000122045").checkDigit == nil)
        #expect(throws: EMAIDError.checkDigitMismatch("NL-TNM-C00122045-L", expected: "K")) {
            try EMAID(parsing: "NL-TNM-C00122045-L")
        }
        #expect(throws: EMAIDError.syntax("NL-TNMC00122045-K")) { try EMAID(parsing: "NL-TNMC00122045-K") }
    }

    @Test func sampleEMAIDsOfOCHPAreNotTestVectors() {
        // registries.md warns: these samples compute to other digits.
        #expect(EMAID.checkDigit(for: "DE8AACA2B3C4D5") == "L")
    }
}
