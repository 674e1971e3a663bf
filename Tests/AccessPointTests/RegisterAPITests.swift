import Foundation
import HTTPServer
import JSON
import RegistryCore
import Storage
import TestDatabases
import Testing

@testable import AccessPoint

/// The ID Registration Office over HTTP, in-process, on both backends (issue #5): the applicant's
/// and the office's walk through an application, authentication, form problems, the public
/// register without private fields, and the CSV round trip.
@Suite struct RegisterAPITests {
    static let privateValues = [
        "76.123.456-7", "Av. Apoquindo 1", "R. Private", "C. Private", "private@example.cl", "+56 9 1111 2222",
    ]

    static let form = #"""
        {"organisation": {"legal_name": "Voltaje Andino SpA", "trade_name": "Voltaje", "company_id": "76.123.456-7",
          "address": "Av. Apoquindo 1, Santiago", "country": "CL", "representative": "R. Private",
          "contact": {"name": "C. Private", "email": "private@example.cl", "phone": "+56 9 1111 2222"},
          "helpdesk_phone": "+56 2 2345 6789", "website": "https://voltaje.example.cl"},
         "roles": ["CPO"], "country": "CL", "proposed_code": "cl*vlt"}
        """#

    static func id(_ json: JSONValue) -> String {
        if case .number(let number)? = json["id"] { number.text } else { "none" }
    }

    struct Client {
        let router: HTTPRouter
        func call(_ method: String, _ target: String, token: String? = nil, body: String? = nil) async
            -> (status: Int, json: JSONValue, text: String)
        {
            var headers = HTTPHeaders()
            if let token { headers.set("Authorization", "Bearer \(token)") }
            let response = await router.respond(
                to: HTTPRequest(method: method, target: target, headers: headers, body: Array((body ?? "").utf8)))
            let text = String(decoding: response.body, as: UTF8.self)
            return (response.status.code, (try? JSONParser.parse(response.body)) ?? .null, text)
        }
    }

    static func client(_ store: any Store) async throws -> (Client, office: String) {
        var router = HTTPRouter()
        AccessRoutes(store: store, backend: "test").routes(into: &router)
        try await store.register.configure(OfficeSettings(countries: ["CL"]), actor: "test")
        let secret = AccessToken.generate(prefix: "cr_office_")
        _ = try await store.register.createToken(
            hash: AccessToken.hash(secret), role: .office, parties: [], label: "staff", actor: "test")
        return (Client(router: router), secret)
    }

    @Test(arguments: TestBackend.available)
    func anApplicationFromSubmissionToOperatorToken(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let (client, office) = try await Self.client(store)
            let submitted = await client.call("POST", "/api/v1/applications", body: Self.form)
            #expect(submitted.status == 201, "\(submitted.text)")
            guard case .number(let idNumber)? = submitted.json["id"], let id = idNumber.intValue,
                case .string(let secret)? = submitted.json["secret"]
            else { Issue.record("no id or secret: \(submitted.text)"); return }
            let path = "/api/v1/applications/\(id)"
            // The applicant's secret, and nothing else, opens the application.
            #expect(await client.call("GET", path).status == 401)
            #expect(await client.call("GET", path, token: "cr_app_wrong").status == 403)
            #expect(await client.call("GET", path, token: office).status == 403)
            #expect(
                await client.call("GET", "/api/v1/applications/999", token: secret).text
                    == #"{"error":"forbidden","message":"the secret does not open this application"}"#)
            #expect(await client.call("GET", path, token: secret).json["status"] == .string("SUBMITTED"))
            // The office's routes need an office token.
            #expect(await client.call("GET", "/api/v1/office/applications").status == 401)
            #expect(await client.call("GET", "/api/v1/office/applications", token: secret).status == 403)
            let listed = await client.call("GET", "/api/v1/office/applications?status=submitted", token: office)
            #expect(listed.text.hasPrefix(#"{"count":1,"#))
            #expect(
                await client.call(
                    "POST", "\(path.replacing("/applications", with: "/office/applications"))/approve", token: office
                ).status == 409)
            let officePath = "/api/v1/office/applications/\(id)"
            #expect(await client.call("POST", "\(officePath)/review", token: office).status == 200)
            let noReason = await client.call("POST", "\(officePath)/request-info", token: office)
            #expect(noReason.status == 409 && noReason.text.contains("needs a reason"))
            #expect(
                await client.call(
                    "POST", "\(officePath)/request-info", token: office,
                    body: #"{"reason":"Send your RUT certificate"}"#
                ).status == 200)
            #expect(await client.call("POST", "\(officePath)/dance", token: office).status == 404)
            let seen = await client.call("GET", path, token: secret)
            #expect(seen.json["status"] == .string("INFO_REQUESTED") && seen.text.contains("Send your RUT certificate"))
            #expect(
                await client.call("POST", "\(path)/responses", token: secret, body: #"{"message":"Attached."}"#).json[
                    "status"] == .string("UNDER_REVIEW"))
            let approved = await client.call(
                "POST", "\(officePath)/approve", token: office, body: #"{"reason":"Welcome"}"#)
            #expect(approved.json["issued_code"] == .string("CL*VLT"), "\(approved.text)")
            // The operator token is shown once.
            let first = await client.call("GET", path, token: secret)
            guard case .string(let operatorToken)? = first.json["operator_token"] else {
                Issue.record("no operator token: \(first.text)"); return
            }
            #expect(operatorToken.hasPrefix("cr_op_") && operatorToken.count == 6 + 43)
            #expect(await client.call("GET", path, token: secret).json["operator_token"] == .null)
            let stored = try #require(try await store.register.token(hash: AccessToken.hash(operatorToken)))
            #expect(stored.role == .operator && stored.parties == ["CL*VLT"])
            #expect(await client.call("GET", "/api/v1/office/applications", token: operatorToken).status == 403)
            // Suspend through the API; the register shows it.
            #expect(await client.call("POST", "/api/v1/office/codes/CLVLT/suspend", token: office).status == 409)
            let suspended = await client.call(
                "POST", "/api/v1/office/codes/CLVLT/suspend", token: office, body: #"{"reason":"unpaid"}"#)
            #expect(suspended.json["status"] == .string("SUSPENDED"))
            #expect(await client.call("GET", "/api/v1/parties/cl-vlt").json["status"] == .string("SUSPENDED"))
            let audit = await client.call("GET", "/api/v1/office/audit?subject=code:CL*VLT", token: office)
            #expect(
                audit.text.contains(
                    #""actor":"token:1 (staff)","action":"suspend","subject":"code:CL*VLT","reason":"unpaid""#))
        }
    }

    @Test(arguments: TestBackend.available)
    func everyInvalidFieldIsReportedAtOnce(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let (client, _) = try await Self.client(store)
            let bad = #"""
                {"organisation": {"legal_name": "", "company_id": 7, "address": "x", "country": "ZZ",
                  "contact": {"name": "n", "email": "not-an-email"}, "helpdesk_phone": "22345", "website": "ftp://x"},
                 "roles": ["CPO", "DRIVER"], "country": "CO", "proposed_code": "CL*XXX", "colour": "blue"}
                """#
            let answer = await client.call("POST", "/api/v1/applications", body: bad)
            #expect(answer.status == 400)
            guard case .array(let problems)? = answer.json["problems"] else {
                Issue.record("\(answer.text)")
                return
            }
            let paths = problems.compactMap { if case .string(let path)? = $0["path"] { path } else { nil } }
            #expect(
                paths == [
                    "organisation.legal_name", "organisation.company_id", "organisation.country",
                    "organisation.contact.email", "organisation.helpdesk_phone", "organisation.website", "roles[1]",
                    "country", "proposed_code", "colour",
                ])
            #expect(await client.call("POST", "/api/v1/applications", body: "{nope").status == 400)
            #expect(await client.call("POST", "/api/v1/applications").status == 400)
            #expect(try await store.register.applications().isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func malformedOfficeRequestsNameTheField(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let (client, office) = try await Self.client(store)
            for (target, body, field) in [
                ("/api/v1/office/authorisations", #"{"holder":"CL*VLT","authorised":"CL*ABC","allow":"no"}"#, "allow"),
                ("/api/v1/office/authorisations", #"{"holder":"CL*VLT","authorised":"nope"}"#, "authorised"),
                ("/api/v1/office/authorisations", #"{"authorised":"CL*ABC"}"#, "holder"),
                (
                    "/api/v1/office/codes/CL*VLT/transfer", #"{"reason":"merger","organisation_id":"2"}"#,
                    "organisation_id"
                ),
                ("/api/v1/office/tokens", #"{"role":"operator","parties":"CL*VLT"}"#, "parties"),
                ("/api/v1/office/tokens", #"{"role":"operator","parties":["CL*VLT", 7]}"#, "parties[1]"),
                ("/api/v1/office/tokens", #"{"role":"king"}"#, "role"),
            ] {
                let answer = await client.call("POST", target, token: office, body: body)
                #expect(
                    answer.status == 400 && answer.text.contains(#""path":"\#(field)""#),
                    "\(target) \(body): \(answer.text)")
            }
            #expect(try await store.register.tokens().count == 1)
            #expect(try await store.register.auditLog().map(\.action) == ["token-create", "configure"])
        }
    }

    @Test(arguments: TestBackend.available)
    func publicResponsesCarryNoPrivateField(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let (client, office) = try await Self.client(store)
            let submitted = await client.call("POST", "/api/v1/applications", body: Self.form)
            let id = Self.id(submitted.json)
            _ = await client.call("POST", "/api/v1/office/applications/\(id)/review", token: office)
            _ = await client.call("POST", "/api/v1/office/applications/\(id)/approve", token: office)
            // The office sees private fields; that is how the test knows they exist.
            let officeView = await client.call("GET", "/api/v1/office/applications/\(id)", token: office).text
            #expect(Self.privateValues.allSatisfy(officeView.contains))
            var publicBodies: [String: String] = [:]
            for target in [
                "/api/v1/parties", "/api/v1/parties/CL*VLT", "/api/v1/parties?q=voltaje&role=CPO&country=CL",
                "/opendata/parties.json", "/opendata/parties.csv",
            ] {
                let answer = await client.call("GET", target)
                #expect(answer.status == 200, "\(target)")
                publicBodies[target] = answer.text
            }
            // Every public route of the register is covered above.
            var router = HTTPRouter()
            RegisterAPI(store: store).registerRoutes(into: &router, behind: .everyone)
            // (A party's ingest runs need an office token: FeedPullerTests checks the 401.)
            let publicPatterns = router.routes(method: "GET")
            #expect(await client.call("GET", "/api/v1/parties/CL*VLT/ingest-runs").status == 401)
            #expect(
                Set(publicPatterns) == [
                    "/api/v1/parties", "/api/v1/parties/{code}", "/opendata/parties.json", "/opendata/parties.csv",
                ])
            for (target, body) in publicBodies {
                #expect(body.contains("Voltaje Andino SpA") && body.contains("+56 2 2345 6789"), "\(target)")
                for value in Self.privateValues { #expect(!body.contains(value), "\(target) shows \(value)") }
            }
            #expect(await client.call("GET", "/api/v1/parties?role=DRIVER").status == 400)
            #expect(await client.call("GET", "/api/v1/parties/CL*NOPE").status == 400)
            #expect(await client.call("GET", "/api/v1/parties/CL*NOP").status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func theRegisterCSVRoundTripsThroughTheForeignImport(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let (client, office) = try await Self.client(store)
            for (name, code) in [("Voltaje, \"Andino\" SpA", "CL*VLT"), ("Eléctrica Sur\nLtda", "CL*ESU")] {
                let form = Self.form.replacing(
                    "Voltaje Andino SpA", with: name.replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
                )
                .replacing("cl*vlt", with: code).replacing("76.123.456-7", with: code)
                let id = Self.id(await client.call("POST", "/api/v1/applications", body: form).json)
                _ = await client.call("POST", "/api/v1/office/applications/\(id)/review", token: office)
                _ = await client.call("POST", "/api/v1/office/applications/\(id)/approve", token: office)
            }
            let csv = await client.call("GET", "/opendata/parties.csv").text
            #expect(
                csv.hasPrefix(
                    "code,country_code,roles,status,legal_name,trade_name,helpdesk_phone,website,issued_at,status_changed_at,source\r\n"
                ))
            #expect(csv.contains("\"Voltaje, \"\"Andino\"\" SpA\"") && csv.contains("\"Eléctrica Sur\nLtda\""))
            // Another office (serving CO) imports our register and finds the same entries.
            try await TestBackend.sqlite.withStore { other, _ in
                let (otherClient, otherOffice) = try await Self.client(other)
                try await other.register.configure(OfficeSettings(countries: ["CO"]), actor: "test")
                let imported = await otherClient.call(
                    "POST", "/api/v1/office/foreign-registers?source=cl-register", token: otherOffice, body: csv)
                #expect(imported.text == #"{"created":2,"updated":0,"unchanged":0}"#)
                let again = await otherClient.call(
                    "POST", "/api/v1/office/foreign-registers?source=cl-register", token: otherOffice, body: csv)
                #expect(again.text == #"{"created":0,"updated":0,"unchanged":2}"#)
                let theirs = try await other.register.parties()
                #expect(theirs.map(\.code) == ["CL*ESU", "CL*VLT"])
                #expect(theirs.map(\.holderLegalName) == ["Eléctrica Sur\nLtda", "Voltaje, \"Andino\" SpA"])
                #expect(
                    theirs.allSatisfy {
                        $0.foreignSource == "cl-register" && $0.roles == [.cpo] && $0.status == "ACTIVE"
                    })
                let broken = await otherClient.call(
                    "POST", "/api/v1/office/foreign-registers?source=x", token: otherOffice,
                    body: "code,roles\r\n\"CL*ABC,CPO\r\n")
                #expect(broken.status == 400 && broken.text.contains("not closed"))
            }
        }
    }
}
