import Foundation
import TestFixtures
import TestHTTPClient
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chargereg peers` and `token create --registration`, run as the real binary: two access points
/// (`serve`), one registering with the other and back, on SQLite.
@Suite struct PeersCommandTests {
    typealias CLI = CommandLineTests

    /// Each database gets an office with `party` as its OCPI party and `approved` issued.
    static func office(_ database: String, party: String, approved: String, port: Int) async throws {
        #expect(
            try await CLI.run([
                "office", "configure", "--countries", "CL", "--ocpi-party", party, "--database", database,
            ])
            .stdout == "countries CL, quarantine 1825 days, OCPI party \(party) (NAP)\n")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/applications")!)
        request.httpMethod = "POST"
        request.httpBody = Data(
            """
            {"organisation": {"legal_name": "Org \(approved)", "company_id": "76.\(approved.suffix(3))",
             "address": "Santiago", "country": "CL", "contact": {"name": "C", "email": "c@example.cl"},
             "helpdesk_phone": "+56 2 2345 6789", "website": "https://example.cl"},
             "roles": ["CPO"], "country": "CL", "proposed_code": "\(approved)"}
            """.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)
        _ = try await CLI.run(["office", "review", "1", "--database", database])
        #expect(try await CLI.run(["office", "approve", "1", "--database", database]).status == 0)
    }

    @Test func twoAccessPointsRegisterWithEachOtherFromTheCommandLine() async throws {
        let directory = Fixtures.temporaryDirectory()
        let ours = directory.appendingPathComponent("ours.sqlite").path
        let theirs = directory.appendingPathComponent("theirs.sqlite").path
        _ = try await CLI.run(["migrate", "--database", ours])
        _ = try await CLI.run(["migrate", "--database", theirs])
        let us = try await ServedRegistry(["--database", ours, "--allow-local-peers"])
        let them = try await ServedRegistry(["--database", theirs, "--ocpi-token-required", "--allow-local-peers"])
        defer {
            us.process.terminate()
            them.process.terminate()
        }
        let (ourPort, theirPort) = (us.port, them.port)
        try await Self.office(ours, party: "CL*RCN", approved: "CL*VLT", port: ourPort)
        try await Self.office(theirs, party: "CL*VLT", approved: "CL*RCN", port: theirPort)
        let tokenA = try await CLI.run([
            "token", "create", "--role", "operator", "--party", "CL*RCN", "--registration", "--database", theirs,
        ])
        #expect(tokenA.status == 0)
        let connect = [
            "peers", "connect", "--versions-url", "http://127.0.0.1:\(theirPort)/ocpi/versions", "--token",
            tokenA.stdout.trimmingCharacters(in: .newlines), "--public-url", "http://127.0.0.1:\(ourPort)",
            "--database", ours,
        ]
        let wrongParty = try await CLI.run(connect + ["--party", "CL*SUR"])
        #expect(wrongParty.status == 1 && wrongParty.stderr.contains("CL*SUR is not an issued code"))
        let connected = try await CLI.run(connect + ["--party", "CL*VLT"])
        #expect(
            connected.stdout == "peer 1: registered with National access point (NAP CL*VLT), OCPI 2.3.0\n",
            "\(connected.stderr)")
        #expect(
            try await CLI.run(["token", "list", "--database", theirs]).stdout.contains(
                "\toperator registration CL*RCN\t"))
        let listed = try await CLI.run(["peers", "list", "--database", ours]).stdout
        #expect(listed.hasPrefix("1\toutbound\t2.3.0\tNAP CL*VLT\t") && listed.hasSuffix("\tregistered\n"))
        #expect(
            try await CLI.run(["peers", "list", "--database", theirs]).stdout.hasPrefix(
                "1\tinbound\t2.3.0\tNAP CL*RCN\t"))
        let again = try await CLI.run(connect + ["--party", "CL*VLT"])
        #expect(again.status == 1 && again.stderr.contains("HTTP 401"))
        #expect(
            try await CLI.run([
                "peers", "update", "1", "--public-url", "http://127.0.0.1:\(ourPort)", "--database", ours,
            ])
            .stdout.hasPrefix("peer 1: updated "))
        #expect(
            try await CLI.run(["peers", "disconnect", "1", "--database", ours]).stdout
                == "peer 1 unregistered; its token is revoked and its feeds stopped\n")
        #expect(try await CLI.run(["peers", "list", "--database", theirs]).stdout.contains("\tunregistered "))
        let usage = try await CLI.run(["peers", "connect", "--database", ours])
        #expect(usage.status == 64 && usage.stderr.contains("connect needs --public-url"))
    }
}
