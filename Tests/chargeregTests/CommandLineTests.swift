import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import TestDatabases
import TestFixtures
import TestHTTPClient
import Testing

/// Runs the built `chargereg` binary and checks its stdout, stderr and exit status, as a user
/// sees them (swift-argument-parser's example tests are the model).
@Suite struct CommandLineTests {
    typealias Result = ChildProcess.Result

    static var binary: URL { ServedRegistry.binary }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await ChildProcess.chargereg(arguments, environment: environment)
    }

    static func database() -> String { Fixtures.temporaryDirectory().appendingPathComponent("cli.sqlite").path }

    @Test func helpListsTheCommands() async throws {
        let result = try await Self.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ChargeRegistry: the national charge-point registry and access point.\n"))
        for command in ["migrate", "ingest", "export", "stats", "serve", "generate", "token", "office"] {
            #expect(result.stdout.contains("\n  \(command) "))
        }
    }

    @Test(arguments: [
        "migrate", "ingest", "export", "stats", "serve", "generate", "token", "office", "feeds", "pull", "peers",
        "quality",
    ])
    func everyCommandHasHelp(command: String) async throws {
        let result = try await Self.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: chargereg \(command)"))
        // Every command that touches the register names its database the same way.
        #expect(result.stdout.contains("--database <DATABASE>") == (command != "generate"))
    }

    @Test func usageErrorsExitWith64AndSayWhatIsWrong() async throws {
        let unknown = try await Self.run(["frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.hasPrefix("chargereg: error: unknown command 'frobnicate'"))
        let badParty = try await Self.run(["ingest", "--database", Self.database(), "--party", "CHILEAN", "x.json"])
        #expect(badParty.status == 64)
        #expect(badParty.stderr.hasPrefix("chargereg ingest: error: --party: 'CHILEAN' is not a party code"))
        let badVersion = try await Self.run(["export", "--ocpi-version", "3.0"])
        #expect(badVersion.status == 64 && badVersion.stderr.contains("allowed: 2.1.1, 2.2.1, 2.3.0"))
        let noFile = try await Self.run(["ingest"])
        #expect(noFile.status == 64 && noFile.stderr.contains("missing argument FILE"))
    }

    @Test(arguments: TestBackend.available)
    func migrateIsIdempotent(_ backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let first = try await Self.run(["migrate", "--database", database.location])
            #expect(
                first.stdout
                    == "applied    0001_registry.sql\napplied    0002_location_geo.sql\napplied    0003_party_register.sql\napplied    0004_sender.sql\napplied    0005_feeds.sql\napplied    0006_ocpi_peers.sql\napplied    0007_quality.sql\napplied    0008_location_position_key.sql\napplied    0009_input_bounds.sql\napplied    0010_operations.sql\napplied    0011_running_runs.sql\napplied    0012_quality_scores.sql\napplied    0013_quality_score_columns.sql\n",
                "\(first.stderr)")
            #expect(
                try await Self.run(["migrate"], environment: ["CHARGEREG_DATABASE": database.location]).stdout
                    == "up to date 0001_registry.sql\nup to date 0002_location_geo.sql\nup to date 0003_party_register.sql\nup to date 0004_sender.sql\nup to date 0005_feeds.sql\nup to date 0006_ocpi_peers.sql\nup to date 0007_quality.sql\nup to date 0008_location_position_key.sql\nup to date 0009_input_bounds.sql\nup to date 0010_operations.sql\nup to date 0011_running_runs.sql\nup to date 0012_quality_scores.sql\nup to date 0013_quality_score_columns.sql\n"
            )
        }
    }

    @Test(
        .enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), arguments: TestBackend.available)
    func ingestReportsPerFileAndStatsAgree(_ backend: TestBackend) async throws {
        try await backend.withDatabase { try await Self.ingestReportsPerFileAndStatsAgree(database: $0.location) }
    }

    static func ingestReportsPerFileAndStatsAgree(database: String) async throws {
        let fastned = Fixtures.url("ocpi-feeds/ocpi_2_1_1_locations-fastned.json").path
        let ev24 = Fixtures.url("ocpi-feeds/ocpi_2_2_1_locations-ev24.json").path
        let first = try await Self.run(["ingest", "--database", database, fastned, ev24])
        #expect(first.status == 0)
        #expect(first.stdout.contains("\(fastned): OCPI 2.1.1, envelope with an array"))
        #expect(first.stdout.contains("  read 106, new 106, changed 0, unchanged 0, refused 0\n"))
        #expect(first.stdout.contains("    registry.party_inferred          106\n"))
        #expect(first.stdout.contains("  read 11, new 0, changed 0, unchanged 0, refused 11\n"))
        #expect(first.stdout.contains("    record 1 (byte "))
        #expect(first.stdout.hasSuffix("total: 2 of 2 files; read 117, new 106, changed 0, unchanged 0, refused 11\n"))
        let withParty = try await Self.run(["ingest", "--database", database, "--party", "PL*E24", ev24])
        #expect(withParty.stdout.contains("  read 11, new 11, changed 0, unchanged 0, refused 0\n"))
        let stats = try await Self.run(["stats", "--database", database])
        #expect(stats.status == 0)
        #expect(stats.stdout.hasPrefix("locations   117 (published 117, removed 0)\nevses       286\n"))
        #expect(stats.stdout.contains("  NL*FAS                           92 232\n"))
    }

    @Test(
        .enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), arguments: TestBackend.available)
    func aGarbledFileFailsWithItsPositionAndExit1(_ backend: TestBackend) async throws {
        try await backend.withDatabase {
            try await Self.aGarbledFileFailsWithItsPositionAndExit1(database: $0.location)
        }
    }

    static func aGarbledFileFailsWithItsPositionAndExit1(database: String) async throws {
        let garbled = Fixtures.temporaryDirectory().appendingPathComponent("garbled.json")
        try Data(#"{"data": [{"id": "1", "country_code": "CL", "party_id": "ABC"}, {"id": "2" "x"}]}"#.utf8).write(
            to: garbled)
        let result = try await Self.run(["ingest", "--database", database, garbled.path])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "chargereg ingest: error: \(garbled.path): malformed JSON: expected ',' or '}', found '\"' at line 1, column 76 (byte offset 75); nothing from this file was stored\n"
        )
        #expect(try await Self.run(["stats", "--database", database]).stdout.hasPrefix("locations   0 "))
    }

    @Test(
        .enabled(if: Fixtures.available, Comment(rawValue: Fixtures.missingMessage)), arguments: TestBackend.available)
    func exportWritesValidOCPIInTheChosenVersion(_ backend: TestBackend) async throws {
        try await backend.withDatabase { try await Self.exportWritesValidOCPIInTheChosenVersion(database: $0.location) }
    }

    static func exportWritesValidOCPIInTheChosenVersion(database: String) async throws {
        let example = Fixtures.url("ocpi/2.2.1/location_example.json").path
        _ = try await Self.run(["ingest", "--database", database, example])
        let export = try await Self.run(["export", "--database", database, "--ocpi-version", "2.1.1"])
        #expect(export.status == 0)
        let array = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [[String: Any]]
        let location = try #require(array?.first)
        #expect(location["type"] as? String == "ON_STREET" && location["country_code"] == nil)
        let file = Fixtures.temporaryDirectory().appendingPathComponent("out.json").path
        let toFile = try await Self.run(["export", "--database", database, "--out", file, "--timestamps", "operator"])
        #expect(
            toFile.stderr
                == "wrote 1 locations (\(try Data(contentsOf: URL(fileURLWithPath: file)).count) bytes) of OCPI 2.2.1 to \(file)\n"
        )
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(#""last_updated":"2015-06-29T20:39:09Z""#))
    }

    @Test func anUnwritableExportTargetIsNamedAndNothingIsLeftBehind() async throws {
        let database = Self.database()
        let folder = Fixtures.temporaryDirectory().appendingPathComponent("missing")
        let result = try await Self.run([
            "export", "--database", database, "--out", folder.appendingPathComponent("x.json").path,
        ])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "chargereg export: error: cannot write \(folder.path)/x.json.partial: No such file or directory\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test(arguments: [
        "postgres://registry:s3cret@127.0.0.1:1/registry", "host=127.0.0.1 port=1 user=registry password=s3cret",
        "host=127.0.0.1 port=1 user=registry password='s3cret with space'",
    ])
    func anUnreachablePostgresIsNamedWithoutItsPassword(database: String) async throws {
        let result = try await Self.run(["stats", "--database", database])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("chargereg stats: error: database unavailable: cannot connect to PostgreSQL "))
        #expect(!result.stderr.contains("s3cret") && result.stderr.contains("***"))
        #expect(result.stderr.contains("Connection refused"))
    }

    @Test func aMalformedPostgresStringSaysWhatIsWrong() async throws {
        let result = try await Self.run(["stats", "--database", "host=db password='s3cret"])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("s3cret"))
        #expect(result.stderr.contains("is not a PostgreSQL connection string: unterminated quoted string"))
    }

    @Test func serveAnswersUntilSIGTERMAndThenExits0() async throws {
        let database = Self.database()
        _ = try await Self.run([
            "ingest", "--database", database,
            Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json").path,
        ])
        let served = try await ServedRegistry(["--database", database])
        let port = served.port
        #expect(served.log.hasPrefix("serving on http://127.0.0.1:"), "\(served.log)")
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/locations/CL/VLT/SCL-PROV-001"))
        let (body, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains(#""id":"SCL-PROV-001""#))
        let metricsURL = try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/metrics"))
        let metrics = String(decoding: try await URLSession.shared.data(from: metricsURL).0, as: UTF8.self)
        #expect(
            metrics.contains(
                #"chargereg_http_requests_total{route="/api/v1/locations/{country_code}/{party_id}/{location_id}",method="GET",status="200"} 1"#
            ))
        #expect(
            metrics.contains("chargereg_locations{state=\"published\"} 3\nchargereg_locations{state=\"removed\"} 0"))
        #expect(await served.stop() == 0)
        let log = served.log
        #expect(log.contains(#""target":"/api/v1/locations/CL/VLT/SCL-PROV-001","status":200"#))
        #expect(log.hasSuffix("stopped\n"))
    }

    @Test func serveRefusesABadListenAddress() async throws {
        let result = try await Self.run(["serve", "--listen", "localhost", "--database", Self.database()])
        #expect(result.status == 64 && result.stderr.contains("--listen: 'localhost' is not HOST:PORT"))
        let country = try await Self.run(["serve", "--demo-country", "CO", "--database", Self.database()])
        #expect(country.status == 64 && country.stderr.contains("--demo-country needs --demo"))
    }

    @Test func generateIsReproducibleAndIngestsCleanly() async throws {
        let first = try await Self.run(["generate", "--country", "CR", "--locations", "200", "--seed", "5"])
        let second = try await Self.run(["generate", "--country", "cri", "--locations", "200", "--seed", "5"])
        let other = try await Self.run(["generate", "--country", "CR", "--locations", "200", "--seed", "6"])
        #expect(first.status == 0 && first.stdout == second.stdout && first.stdout != other.stdout)
        #expect(
            first.stdout.contains(#""country":"CRI""#) && first.stdout.contains(#""time_zone":"America/Costa_Rica""#))
        let file = Fixtures.temporaryDirectory().appendingPathComponent("cr.json").path
        let written = try await Self.run([
            "generate", "--country", "CR", "--locations", "200", "--seed", "5", "--out", file,
        ])
        #expect(written.stderr == "wrote 200 locations of CR to \(file)\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == first.stdout)
        let ingest = try await Self.run(["ingest", "--database", Self.database(), file])
        #expect(ingest.stdout.contains("  read 200, new 200, changed 0, unchanged 0, refused 0\n"))
        let unknown = try await Self.run(["generate", "--country", "FR"])
        #expect(
            unknown.status == 64 && unknown.stderr.contains("--country: no generator data for 'FR'; known: CL, CO, CR"))
    }

    @Test func serveDemoFillsAnEmptyDatabaseOnce() async throws {
        let database = Self.database()
        for round in 0..<2 {
            let served = try await ServedRegistry(["--demo", "--database", database])
            let (log, port) = (served.log, served.port)
            #expect(
                log.hasPrefix(
                    round == 0
                        ? "demo: ingested 2000 generated locations of CL\n"
                        : "demo: the database already holds 2000 locations; nothing generated\n"), "\(log)")
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/stats"))
            let body = String(decoding: try await URLSession.shared.data(from: url).0, as: UTF8.self)
            #expect(body.hasPrefix(#"{"locations":2000,"published":2000"#))
            #expect(await served.stop() == 0)
        }
    }
}
