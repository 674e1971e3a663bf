import Foundation
import HTTPServer
import JSON
import RegistryCore
@testable import Storage
import Synchronization
import TestDatabases
import Testing

@testable import AccessPoint

/// Stored feeds and their pulls (issue #7): the first pull of a feed is full, then deltas; a
/// failing feed is recorded and does not stop the others; the office reads a party's runs.
@Suite struct FeedPullerTests {
    @Test func dueAndDeltaStartFollowTheIntervals() throws {
        let now = Timestamp(seconds: 1_800_000_000)
        var feed = Feed(
            id: 1, party: try PartyCode(parsing: "CL*VLT"), versionsURL: "http://x/versions", token: nil,
            ocpiVersion: nil, deltaMinutes: 5, fullHours: 24, lastDeltaStartedAt: nil, lastFullStartedAt: nil,
            lastError: nil, lastErrorAt: nil)
        #expect(feed.due(at: now) == .full && feed.deltaStart() == nil)
        feed.lastFullStartedAt = Timestamp(seconds: now.seconds - 3600)
        #expect(feed.due(at: now) == .delta)
        #expect(feed.deltaStart() == Timestamp(seconds: now.seconds - 3660))
        feed.lastDeltaStartedAt = Timestamp(seconds: now.seconds - 60)
        #expect(feed.due(at: now) == nil)
        feed.lastFullStartedAt = Timestamp(seconds: now.seconds - 86_400)
        #expect(feed.due(at: now) == .full)
    }

    /// A failing feed waits its delta interval, then twice as long after each failure, up to an
    /// hour; the log has its first failure and the one that makes a day, not every attempt; the
    /// office pauses it (nothing runs) and resumes it (it runs at once).
    @Test(arguments: TestBackend.available)
    func aFailingFeedBacksOffAndLogsOnlyWhatChanges(_ backend: TestBackend) async throws {
        let manual = QualityScanTests.ManualClock()
        // A peer that answers 404 to everything: each attempt fails at once, without retries.
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        let nothing = try HTTPServer(configuration: configuration, router: HTTPRouter(), accessLog: { _ in })
        try await backend.withStore(clock: manual.clock) { store, _ in
            let party = try PartyCode(parsing: "CL*SUR")
            _ = try await store.register.saveFeed(
                party: party, versionsURL: "http://127.0.0.1:\(nothing.port)/ocpi/versions", token: nil,
                ocpiVersion: nil, deltaMinutes: 5, fullHours: 24, actor: "office")
            let puller = FeedPuller(store: store, clock: manual.clock)
            let lines = Mutex<[String]>([])
            var attempts = 0
            var waits: [Int64] = []
            // A day and an hour of scheduler rounds, one a minute.
            for _ in 0..<(25 * 60) {
                let before = try #require(try await store.register.feed(of: party))
                await puller.runDue { line in lines.withLock { $0.append(line) } }
                let after = try #require(try await store.register.feed(of: party))
                if after.failures != before.failures {
                    attempts += 1
                    if let next = after.nextAttempt {
                        waits.append((next.microseconds - manual.clock.now().microseconds) / 60_000_000)
                    }
                }
                manual.now.withLock { $0 = Timestamp(seconds: $0.seconds + 60) }
            }
            #expect(waits.prefix(6) == [5, 10, 20, 40, 60, 60])
            // At minutes 0, 5, 15, 35, 75, then every hour: 135, 195, … 1455.
            #expect(attempts == 5 + 23, "\(attempts) attempts")
            let logged = lines.withLock { $0 }
            #expect(logged.count == 2, "\(logged)")
            #expect(logged.first?.hasPrefix("CL*SUR: full pull failed") == true)
            #expect(logged.last?.contains("feed_silent finding is raised") == true)

            _ = try await store.register.pauseFeed(of: party, true, actor: "office")
            manual.now.withLock { $0 = Timestamp(seconds: $0.seconds + 7200) }
            let paused = try #require(try await store.register.feed(of: party))
            #expect(paused.due(at: manual.clock.now()) == nil && paused.pausedAt != nil)
            let resumed = try await store.register.pauseFeed(of: party, false, actor: "office")
            #expect(resumed.due(at: manual.clock.now()) == .full && resumed.failures == 0)
            try await store.register.removeFeed(of: party, actor: "office")
            #expect(try await store.register.feed(of: party) == nil)
            await #expect(throws: RegisterNotFound.self) {
                try await store.register.removeFeed(of: party, actor: "office")
            }
            let audit = try await store.register.auditLog(limit: 10).map(\.action)
            #expect(["pause-feed", "resume-feed", "remove-feed"].allSatisfy(audit.contains))
        }
        await nothing.shutdown()
    }

    @Test(arguments: TestBackend.available)
    func feedsArePulledAndAFailingOneIsRecorded(_ backend: TestBackend) async throws {
        try await backend.withStore { source, _ in
            try await backend.withStore { target, _ in
                _ = try await OCPISenderTests.ingest(source, OCPISenderTests.feed(Array(1...12)))
                let server = try OCPISenderTests.serve(source)
                let register = target.register
                try await register.configure(OfficeSettings(countries: ["CL"]), actor: "office")
                try await RepositoryLinkTests.approve(
                    register, "Voltaje Andino SpA", company: "76.123.456-7", code: "CL*VLT")
                try await RepositoryLinkTests.approve(
                    register, "Carga Sur SpA", company: "77.222.333-4", code: "CL*SUR")
                _ = try await register.saveFeed(
                    party: try PartyCode(parsing: "CL*VLT"),
                    versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions",
                    token: nil, ocpiVersion: "2.2.1", deltaMinutes: 5, fullHours: 24, actor: "office")
                _ = try await register.saveFeed(
                    party: try PartyCode(parsing: "CL*SUR"), versionsURL: "http://127.0.0.1:1/ocpi/versions",
                    token: "t", ocpiVersion: nil, deltaMinutes: 5, fullHours: 24, actor: "office")
                await #expect(throws: RegisterConflict.self) {
                    _ = try await register.saveFeed(
                        party: try PartyCode(parsing: "CL*SUR"), versionsURL: "ftp://x", token: nil, ocpiVersion: nil,
                        deltaMinutes: 5, fullHours: 24, actor: "office")
                }
                var puller = FeedPuller(store: target)
                puller.tick = .milliseconds(10)
                let lines = OCPISenderTests.Collected()
                await puller.runDue { collected in lines.add([.string(collected)]) }
                let logged = lines.all.map { if case .string(let text) = $0 { text } else { "" } }
                #expect(logged.count == 2)
                #expect(logged.contains { $0.hasPrefix("CL*SUR: full pull failed") })
                #expect(
                    logged.contains {
                        $0.hasPrefix("CL*VLT: full pull of http://127.0.0.1:\(server.port)/ocpi/2.2.1/sender/locations")
                    })
                let feeds = try await register.feeds()
                #expect(feeds.first { $0.party.partyID == "SUR" }?.lastError != nil)
                let vlt = try #require(feeds.first { $0.party.partyID == "VLT" })
                #expect(
                    vlt.lastFullStartedAt != nil && vlt.lastError == nil
                        && vlt.due(at: RegistryClock.system.now()) == nil)
                #expect(try await target.listLocations(LocationFilter(), cursor: nil, limit: 100).items.count == 12)

                // The next pull of the feed is a delta from a minute before the last one began, so
                // what changed just now comes again, unchanged; the office reads the party's runs.
                // It changes nothing, so it queues nothing for quality scoring (issue #20).
                #expect(try await target.quality.pending(limit: 100).count == 12)
                let delta = await puller.pull(vlt)
                #expect(delta.kind == .delta && delta.report?.run.summary.unchanged == 12)
                #expect(try await target.quality.pending(limit: 100).count == 12)
                var router = HTTPRouter()
                AccessRoutes(store: target, backend: "test").routes(into: &router)
                let secret = AccessToken.generate(prefix: "cr_office_")
                _ = try await register.createToken(
                    hash: AccessToken.hash(secret), role: .office, parties: [], label: "staff", actor: "test")
                var headers = HTTPHeaders()
                headers.set("Authorization", "Bearer \(secret)")
                let response = await router.respond(
                    to: HTTPRequest(method: "GET", target: "/api/v1/parties/CL*VLT/ingest-runs", headers: headers))
                let json = try JSONParser.parse(response.body)
                guard case .array(let runs)? = json["runs"] else { throw CocoaError(.coderReadCorrupt) }
                #expect(runs.count == 2 && runs.allSatisfy { OCPISenderTests.text($0, "kind") == "pull" })
                #expect(!String(decoding: response.body, as: UTF8.self).contains("\"token\""))
                let anonymous = await router.respond(
                    to: HTTPRequest(method: "GET", target: "/api/v1/parties/CL*VLT/ingest-runs"))
                #expect(anonymous.status == .unauthorized)
                await server.shutdown()
            }
        }
    }

    /// A PUT of an EVSE under a location we lack is a 404 that asks the scheduler to fetch the
    /// location from the operator's Sender; the next round does, and the push then succeeds.
    @Test(arguments: TestBackend.available)
    func aPushUnderAnUnknownLocationSchedulesItsFetch(_ backend: TestBackend) async throws {
        try await backend.withStore { source, _ in
            try await backend.withStore { target, _ in
                _ = try await OCPISenderTests.ingest(source, OCPISenderTests.feed([1, 2]))
                let server = try OCPISenderTests.serve(source)
                let f = try await OCPIReceiverTests.fixture(target)
                let evse = #"{"uid": "E7", "status": "CHARGING", "last_updated": "2026-11-01T11:00:00Z"}"#
                let path = "\(OCPIReceiverTests.base)/CL/VLT/L2/E7"
                // Without a feed there is nothing to fetch from: the answer says to PUT the Location.
                let withoutFeed = await f.call("PUT", path, as: "own", body: evse)
                #expect(withoutFeed.status == 404 && withoutFeed.code == 2003)
                #expect("\(withoutFeed.json)".contains("PUT the Location first"))
                #expect(try await target.register.locationRequests().isEmpty)

                _ = try await target.register.saveFeed(
                    party: try PartyCode(parsing: "CL*VLT"),
                    versionsURL: "http://127.0.0.1:\(server.port)/ocpi/versions",
                    token: nil, ocpiVersion: "2.2.1", deltaMinutes: 5, fullHours: 24, actor: "office")
                let asked = await f.call("PUT", path, as: "own", body: evse)
                #expect(asked.status == 404 && "\(asked.json)".contains("fetched from your Sender"))
                // Asked twice, and once for a location the Sender does not have either.
                _ = await f.call("PUT", path, as: "own", body: evse)
                _ = await f.call("PUT", "\(OCPIReceiverTests.base)/CL/VLT/L404/E1", as: "own", body: evse)
                let requests = try await target.register.locationRequests()
                #expect(
                    requests.map(\.party.description) == ["CL*VLT"] && requests.first?.locationIDs == ["L2", "L404"])

                // One round: L2 is fetched alone (not a full pull: the feed's first), L404 fails and
                // is the feed's error; the requests are gone either way.
                let lines = OCPISenderTests.Collected()
                try await FeedPuller(store: target).fetchRequested { lines.add([.string($0)]) }
                #expect(try await target.register.locationRequests().isEmpty)
                #expect(lines.all.count == 1 && "\(lines.all)".contains("fetching L2, L404 failed"))
                #expect(try await target.register.feed(of: try PartyCode(parsing: "CL*VLT"))?.lastError != nil)

                _ = await f.call("PUT", path, as: "own", body: evse)
                _ = try await target.register.requestLocation("L2", of: try PartyCode(parsing: "CL*VLT"))
                try await FeedPuller(store: target).fetchRequested { lines.add([.string($0)]) }
                #expect("\(lines.all.last!)".contains("fetched L2 as pushes asked"))
                let l2 = try #require(
                    try await target.location(LocationKey(countryCode: "CL", partyID: "VLT", locationID: "L2")))
                #expect(l2.source.contains("/sender/locations"))
                let accepted = await f.call("PUT", path, as: "own", body: evse)
                #expect(accepted.status == 200 && accepted.code == 1000, "\(accepted)")
                await server.shutdown()
            }
        }
    }
}
