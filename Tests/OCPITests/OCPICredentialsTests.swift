import JSON
import OCPI
import RegistryCore
import Testing

/// The Credentials object in each version (OCPI 2.2.1 §7.3.1, 2.1.1 §7.2.1).
@Suite struct OCPICredentialsTests {
    static func parse(_ text: String, _ version: OCPIVersion) throws(CredentialsProblem) -> OCPICredentials {
        try OCPICredentials.parse(try! JSONParser.parse(Array(text.utf8)), version: version)
    }

    @Test func eachVersionRoundTrips() throws {
        let credentials = OCPICredentials(
            token: "ebf3b399-779f-4497-9b9d-ac6ad3cc44d2", url: "https://example.com/ocpi/versions",
            roles: [.init(role: "CPO", party: try PartyCode(parsing: "NL*EXA"), businessName: "Example Operator")])
        for version in [OCPIVersion.v2_2_1, .v2_3_0] {
            let text = String(decoding: credentials.json(version: version), as: UTF8.self)
            #expect(try Self.parse(text, version) == credentials)
        }
        let flat = String(decoding: credentials.json(version: .v2_1_1), as: UTF8.self)
        #expect(!flat.contains("roles") && flat.contains(#""party_id":"EXA""#))
        var unstated = credentials
        unstated.roles[0].role = nil
        #expect(try Self.parse(flat, .v2_1_1) == unstated)
    }

    @Test func everyProblemIsNamed() {
        #expect(
            throws: CredentialsProblem([
                "token: printable ASCII without spaces (OCPI 2.2.1 §7.3.1)",
                "url: an http(s) URL of the versions endpoint",
                "roles[0].role: one of CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP",
                "roles[1].business_details.name: required, a non-empty string",
                "roles[2].country_code/party_id: 'XX/ABC' is not a party code",
            ])
        ) {
            try Self.parse(
                """
                {"token": "a b", "url": "ftp://x", "roles": [
                  {"role": "DRIVER", "country_code": "NL", "party_id": "EXA", "business_details": {"name": "x"}},
                  {"role": "CPO", "country_code": "NL", "party_id": "EXA"},
                  {"role": "CPO", "country_code": "XX", "party_id": "ABC", "business_details": {"name": "x"}}]}
                """, .v2_2_1)
        }
        #expect(
            throws: CredentialsProblem([
                "token: at most 64 characters", "roles: required, a non-empty array of CredentialsRole",
            ])
        ) {
            try Self.parse(#"{"token": "\#(String(repeating: "t", count: 65))", "url": "https://x"}"#, .v2_3_0)
        }
    }
}
