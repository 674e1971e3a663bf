import Foundation
import HTTPServer
import JSON
import RegistryCore
import Storage
import Synchronization
import TestDatabases
import Testing

@testable import AccessPoint

/// The pagination client against deliberately sloppy Senders over a real socket (issues #7, #21;
/// OCPI 2.2.1 §4.1.3): a broken or foreign `Link`, one to another scheme or path (extrawest-ocpi's
/// exactly), one that answers 404, no `Link` but a total, a `500` once, a page that times out
/// once, lowercased ids. Each time the crawler must read exactly the 25 objects
/// served, and the pull client store exactly those 25 locations.
@Suite struct OCPIPageCrawlerTests {
    enum Sloppiness: String, CaseIterable {
        case tidy, brokenLink, foreignLink, otherScheme, otherPath, extrawestLink, linkAnswers404, noLinkButTotal,
            serverErrorOnce, timeoutOnce, linkCaseAndSpacing, lowercasedIDs

        /// Pages 2 and 3 are reached by offset.
        var fallsBackToOffset: Bool {
            [.brokenLink, .foreignLink, .otherScheme, .otherPath, .extrawestLink, .linkAnswers404, .noLinkButTotal]
                .contains(self)
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int {
            value.withLock {
                $0 += 1; return $0
            }
        }
    }

    static let numbers = Array(1...25)
    static let ids = numbers.map { "L\($0)" }

    static func server(_ sloppiness: Sloppiness) throws -> HTTPServer {
        var router = HTTPRouter()
        let calls = Counter()
        router.get("/sender/locations") { request, _ in
            let call = calls.next()
            if request.query.contains("page=") { return HTTPResponse(status: .notFound, body: Array("no".utf8)) }
            var offset = 0
            var limit = 10
            for pair in request.query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2, parts[0] == "offset" { offset = Int(parts[1]) ?? 0 }
                if parts.count == 2, parts[0] == "limit" { limit = min(Int(parts[1]) ?? 10, 10) }
            }
            if sloppiness == .serverErrorOnce && call == 2 {
                return HTTPResponse(status: .internalServerError, body: Array("oops".utf8))
            }
            if sloppiness == .timeoutOnce && call == 2 { try? await Task.sleep(for: .milliseconds(1500)) }
            let page = Array(numbers.dropFirst(offset).prefix(limit))
            var data = OCPISenderTests.feed(page)
            if sloppiness == .lowercasedIDs {
                for (upper, lower) in [
                    (#""country_code": "CL""#, #""country_code": "cl""#),
                    (#""party_id": "VLT""#, #""party_id": "vlt""#),
                    (#""id": "L"#, #""id": "l"#), (#""uid": "E"#, #""uid": "e"#), ("CL*VLT*E", "cl*vlt*e"),
                ] {
                    data = data.replacing(upper, with: lower)
                }
            }
            var response = HTTPResponse.json(
                Array(#"{"data": \#(data), "status_code": 1000, "timestamp": "2026-11-22T00:00:00Z"}"#.utf8))
            response.headers.set("X-Total-Count", String(ids.count))
            response.headers.set("X-Limit", "10")
            let next = offset + page.count
            if next < ids.count {
                let host = request.headers["Host"] ?? "127.0.0.1"
                switch sloppiness {
                case .brokenLink: response.headers.set("Link", "<not a url at all>; rel=\"next\"")
                case .foreignLink:
                    response.headers.set(
                        "Link", "<http://elsewhere.invalid/sender/locations?offset=\(next)>; rel=\"next\"")
                case .otherScheme:
                    response.headers.set(
                        "Link", "<https://\(host)/sender/locations?offset=\(next)&limit=10>; rel=\"next\"")
                case .otherPath:
                    response.headers.set("Link", "<http://\(host)/sender/places?offset=\(next)&limit=10>; rel=\"next\"")
                case .extrawestLink:
                    response.headers.set(
                        "Link",
                        "<https://\(host)/ocpi/cpo/VersionNumber.v_2_2_1/ModuleID.locations/?date_from=None&date_to=None&offset=\(next)&limit=10>; rel=\"next\""
                    )
                case .linkAnswers404:
                    response.headers.set("Link", "<http://\(host)/sender/locations/?page=\(call + 1)>; rel=\"next\"")
                case .noLinkButTotal: break
                case .linkCaseAndSpacing:
                    response.headers.set(
                        "link",
                        "<http://\(host)/x>; rel=prev ,  <http://\(host)/sender/locations?offset=\(next)&limit=10> ;REL = \"Next\""
                    )
                default:
                    response.headers.set(
                        "Link", "<http://\(host)/sender/locations?offset=\(next)&limit=10>; rel=\"next\"")
                }
            }
            return response
        }
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        return try HTTPServer(configuration: configuration, router: router, accessLog: { _ in })
    }

    @Test(arguments: Sloppiness.allCases)
    func readsExactlyTheServedSet(_ sloppiness: Sloppiness) async throws {
        let server = try Self.server(sloppiness)
        var crawler = OCPIPageCrawler()
        crawler.limit = 50
        crawler.client.timeout = 1
        crawler.client.backoff = .milliseconds(20)
        let collected = OCPISenderTests.Collected()
        let summary = try await crawler.crawl(endpoint: "http://127.0.0.1:\(server.port)/sender/locations") {
            collected.add($0)
        }
        #expect(collected.all.map { OCPISenderTests.text($0, "id").uppercased() } == Self.ids, "\(sloppiness)")
        #expect(summary.objects == 25 && summary.pages == 3, "\(sloppiness)")
        #expect(summary.offsetFallbacks == (sloppiness.fallsBackToOffset ? 2 : 0), "\(sloppiness)")
        await server.shutdown()
    }

    /// The pull client over each sloppy Sender stores exactly the served set, once: the same
    /// location ids in any case are one location, and a second pull changes nothing.
    @Test(arguments: Sloppiness.allCases)
    func thePullClientIngestsExactlyTheServedSet(_ sloppiness: Sloppiness) async throws {
        let server = try Self.server(sloppiness)
        try await TestBackend.sqlite.withStore { store, _ in
            var pull = LocationPull(store: store, token: nil)
            pull.crawler.client.timeout = 1
            pull.crawler.client.backoff = .milliseconds(20)
            let endpoint = "http://127.0.0.1:\(server.port)/sender/locations"
            let party = try PartyCode(parsing: "CL*VLT")
            let report = try await pull.pull(party: party, endpoint: endpoint, version: .v2_2_1, full: true)
            #expect(report.run.summary.created == 25 && report.run.summary.refused == 0, "\(sloppiness)")
            let byOffset = sloppiness.fallsBackToOffset ? 2 : 0
            #expect(report.pagesByOffset == byOffset, "\(sloppiness)")
            let counted = report.run.summary.findingsByCode[.pageByOffset]
            #expect(counted == (byOffset > 0 ? byOffset : nil), "\(sloppiness)")
            let stored = try await store.listLocations(LocationFilter(), cursor: nil, limit: 100).items
            #expect(
                Set(stored.map(\.location.key.description))
                    == Set(Self.ids.map { "CL/VLT/\($0)" }), "\(sloppiness)")
            let again = try await pull.pull(party: party, endpoint: endpoint, version: .v2_2_1, full: true)
            #expect(again.run.summary.unchanged == 25 && again.run.summary.removed == 0, "\(sloppiness)")
        }
        await server.shutdown()
    }

    @Test func aSenderThatKeepsFailingIsAnErrorNamingIt() async throws {
        var router = HTTPRouter()
        router.get("/sender/locations") { _, _ in HTTPResponse(status: .serviceUnavailable, body: Array("down".utf8)) }
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        let server = try HTTPServer(configuration: configuration, router: router, accessLog: { _ in })
        var crawler = OCPIPageCrawler()
        crawler.client.retries = 2
        crawler.client.backoff = .milliseconds(10)
        await #expect(throws: OCPICallError.self) {
            _ = try await crawler.crawl(endpoint: "http://127.0.0.1:\(server.port)/sender/locations") { _ in }
        }
        await server.shutdown()
    }

    @Test func linkHeadersAsPeersSendThem() {
        #expect(LinkHeader.target([#"<https://a/b?x=1,2>; rel="next""#], relation: "next") == "https://a/b?x=1,2")
        #expect(
            LinkHeader.target(["<https://a/p>; rel=prev, <https://a/n>; rel=next"], relation: "next") == "https://a/n")
        #expect(
            LinkHeader.target([#"<https://a/n>; title="a; b, c"; rel="prev next""#], relation: "next") == "https://a/n")
        #expect(LinkHeader.target(["", "<https://a/p>; rel=prev"], relation: "next") == nil)
        #expect(LinkHeader.target(["garbage"], relation: "next") == nil)
    }
}
