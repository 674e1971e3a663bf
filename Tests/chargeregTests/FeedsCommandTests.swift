import HTTPServer
import Testing

/// `chargereg feeds` for operations staff (issue #20): a failing feed's failures and next attempt
/// in `status`, pause and resume, remove, and clear errors.
@Suite struct FeedsCommandTests {
    typealias CLI = CommandLineTests

    @Test func theOfficeSeesFailuresAndPausesResumesAndRemovesAFeed() async throws {
        let database = CLI.database()
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        // A peer that answers 404 to everything.
        let nothing = try HTTPServer(configuration: configuration, router: HTTPRouter(), accessLog: { _ in })
        func feeds(_ arguments: String...) async throws -> CommandLineTests.Result {
            try await CLI.run(["feeds"] + arguments + ["--database", database])
        }
        #expect(try await CLI.run(["migrate", "--database", database]).status == 0)
        let added = try await feeds("add", "CL*SUR", "--versions-url", "http://127.0.0.1:\(nothing.port)/ocpi/versions")
        #expect(added.status == 0, "\(added.stderr)")
        let pulled = try await CLI.run(["pull", "--party", "CL*SUR", "--database", database])
        #expect(pulled.status != 0)
        let failing = try await feeds("status")
        #expect(failing.stdout.contains("  failing: 1 attempts in a row since "), "\(failing.stdout)")
        #expect(failing.stdout.contains("; next attempt "))

        #expect(
            try await feeds("pause", "CL*SUR").stdout
                == "feed of CL*SUR paused: not pulled until 'chargereg feeds resume CL*SUR'\n")
        #expect(try await feeds("status").stdout.contains("  paused by the office since "))
        #expect(
            try await feeds("resume", "CL*SUR").stdout
                == "feed of CL*SUR resumed: pulled on the scheduler's next round\n")
        #expect(!(try await feeds("status").stdout.contains("paused")))
        #expect(
            try await feeds("remove", "CL*SUR").stdout
                == "feed of CL*SUR removed; what it delivered stays in the register\n")
        #expect(try await feeds("list").stdout.isEmpty)

        let again = try await feeds("remove", "CL*SUR")
        #expect(again.status == 1 && again.stderr.contains("CL*SUR has no feed"), "\(again.stderr)")
        let bare = try await feeds("pause")
        #expect(bare.status == 64 && bare.stderr.contains("pause needs the PARTY code"), "\(bare.stderr)")
        await nothing.shutdown()
    }
}
