import Foundation
import TestDatabases
import TestFixtures
import Testing

/// `chargereg token` and `chargereg office`, run as the real binary on both backends.
@Suite struct OfficeCommandTests {
    typealias CLI = CommandLineTests

    @Test(arguments: TestBackend.available)
    func theOfficeBootstrapsTokensAndImportsARegister(_ backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let db = ["--database", database.location]
            let created = try await CLI.run(["token", "create", "--role", "office", "--label", "Ana"] + db)
            #expect(created.status == 0 && created.stderr == "token 1 (office) created; its secret is shown once:\n")
            #expect(created.stdout.hasPrefix("cr_office_") && created.stdout.count == 10 + 43 + 1)
            let listed = try await CLI.run(["token", "list"] + db)
            #expect(listed.stdout.hasPrefix("1\toffice\tAna\t") && listed.stdout.hasSuffix("\tlive\n"))
            #expect(!listed.stdout.contains(created.stdout.trimmingCharacters(in: .newlines)))
            #expect(try await CLI.run(["token", "revoke", "1"] + db).stdout == "token 1 revoked\n")
            let again = try await CLI.run(["token", "revoke", "1"] + db)
            #expect(again.status == 1 && again.stderr == "chargereg token: error: no live token 1\n")
            let noParty = try await CLI.run(["token", "create", "--role", "operator", "--party", "CL*ABC"] + db)
            #expect(noParty.status == 1 && noParty.stderr.contains("CL*ABC is not an issued code of this office"))

            #expect(
                try await CLI.run(["office", "configure", "--countries", "cl"] + db).stdout
                    == "countries CL, quarantine 1825 days\n")
            let file = Fixtures.temporaryDirectory().appendingPathComponent("co.csv")
            try "code,roles,legal_name,status\r\nCO*ABC,CPO,\"Carga, SAS\",ACTIVE\r\n".write(
                to: file, atomically: true, encoding: .utf8)
            let imported = try await CLI.run(["office", "import", file.path, "--source", "co-idro"] + db)
            #expect(imported.stdout == "\(file.path): 1 new, 0 updated, 0 unchanged\n", "\(imported.stderr)")
            #expect(
                try await CLI.run(["office", "parties"] + db).stdout == "CO*ABC\tCPO\tACTIVE\tCarga, SAS\tco-idro\n")
            let own = try await CLI.run([
                "office", "import", file.path, "--source", "x", "--database", database.location,
            ])
            #expect(own.status == 0)
            let audit = try await CLI.run(["office", "audit"] + db).stdout
            #expect(audit.contains("\tconfigure\toffice\t") && audit.contains("\timport-foreign\tsource:co-idro\t"))
            #expect(audit.contains("\ttoken-revoke\ttoken:1\t"))
            let missing = try await CLI.run(["office", "approve", "7"] + db)
            #expect(missing.status == 1 && missing.stderr == "chargereg office: error: no application 7\n")
            let bad = try await CLI.run(["office", "dance"] + db)
            #expect(bad.status == 64 && bad.stderr.contains("unknown action 'dance'"))
            let revokeNothing = try await CLI.run(["office", "revoke", "CL*ZZ9", "--reason", "x"] + db)
            #expect(revokeNothing.status == 1 && revokeNothing.stderr.contains("CL*ZZ9 is not an issued code"))
        }
    }
}
