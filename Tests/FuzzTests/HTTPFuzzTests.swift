#if canImport(Glibc)
    import Glibc
#endif
import AccessPoint
import Foundation
import HTTPServer
import Storage
import Synchronization
import TestDatabases
import TestFixtures
import TestHTTPClient
import Testing

/// Issue #18, part 4(a) and (c): hostile requests to the parser in-process and to the real
/// `serve` over sockets, and every route's parameters at their boundaries. Nothing may trap,
/// every answer is valid HTTP with a JSON error body that names what is wrong, and the server
/// goes on answering with its memory and descriptors back where they were.
@Suite(.ownThread) struct HTTPFuzzTests {
    /// The parser reads the same requests (or the same refusal) whatever the cuts between the
    /// bytes' arrivals; every refusal has a status and a message.
    @Test func theParserReadsEveryCaseAlikeWhateverTheCuts() throws {
        var mutator = RequestMutator(seed: FuzzBudget.seed)
        let deadline = FuzzBudget.deadline()
        var refused = 0
        var cases = 0
        for _ in 0..<FuzzBudget.requests where Date() < deadline {
            var fuzzCase = mutator.next()
            if fuzzCase.cuts.isEmpty {
                fuzzCase.cuts = [Int.random(in: 0...fuzzCase.bytes.count, using: &mutator.random)]
            }
            let whole = Self.outcome(of: [fuzzCase.bytes[...]])
            var pieces: [ArraySlice<UInt8>] = []
            var start = 0
            for cut in fuzzCase.cuts + [fuzzCase.bytes.count] {
                pieces.append(fuzzCase.bytes[start..<cut])
                start = cut
            }
            let cut = Self.outcome(of: pieces)
            #expect(whole == cut, "\(String(decoding: fuzzCase.bytes.prefix(200), as: UTF8.self).debugDescription)")
            if case .refused(let status, let message)? = whole.last {
                refused += 1
                #expect([400, 413, 414, 431, 501, 505].contains(status) && !message.isEmpty)
            }
            cases += 1
        }
        FuzzBudget.report("parser: \(cases) cases, \(refused) refused, split reads identical")
    }

    enum Outcome: Equatable {
        case request(method: String, target: String, host: String?, body: [UInt8])
        case refused(Int, String)
    }

    static func outcome(of pieces: [ArraySlice<UInt8>]) -> [Outcome] {
        var parser = HTTPRequestParser()
        var outcomes: [Outcome] = []
        for piece in pieces {
            parser.append(Array(piece))
            do {
                while let request = try parser.next() {
                    outcomes.append(
                        .request(
                            method: request.method, target: request.target, host: request.headers["host"],
                            body: request.body))
                }
            } catch {
                outcomes.append(.refused(error.status.code, error.message))
                return outcomes
            }
        }
        return outcomes
    }

    /// Every route, every method it has, and every query parameter at its boundaries, in-process:
    /// no 500, and every JSON body parses.
    @Test func everyRouteAndParameterAtItsBoundaries() async throws {
        try await TestBackend.sqlite.withStore { store, _ in
            let feed = Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json").path
            _ = try await FileIngest(store: store).ingest(path: feed, party: nil, version: nil)
            var router = HTTPRouter()
            AccessRoutes(store: store, backend: "sqlite").routes(into: &router)
            let samples = [
                "version": "2.2.1", "country_code": "CL", "party_id": "VLT", "location_id": "SCL-PROV-001",
                "evse_uid": "VLT-001-1", "connector_id": "1", "evse_id": "CL*VLT*E001*1", "code": "CL*VLT", "id": "1",
            ]
            let names = [
                "limit", "offset", "after", "cursor", "date_from", "date_to", "changed_since", "bbox", "near",
                "radius_m", "min_power_kw", "country", "party", "status", "power_type", "connector_standard", "city",
                "postal_code", "format", "day", "from", "to",
            ]
            var answered = 0
            for pattern in router.patterns {
                var path = pattern
                for (name, value) in samples { path = path.replacing("{\(name)}", with: value) }
                for method in ["GET", "POST", "PUT", "PATCH", "DELETE"]
                where router.routes(method: method).contains(pattern) || method == "GET" {
                    for name in names {
                        for value in RequestMutator.boundaryValues {
                            let encoded =
                                value.addingPercentEncoding(
                                    withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~*,:")))
                                ?? value
                            let request = HTTPRequest(
                                method: method, target: "\(path)?\(name)=\(encoded)", headers: ["Host": "h"],
                                body: Array(#"{"a":1}"#.utf8))
                            let response = await router.respond(to: request)
                            answered += 1
                            #expect(
                                response.status.code != 500,
                                "\(method) \(request.target): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
                            )
                            if response.headers["Content-Type"]?.hasPrefix("application/json") == true,
                                response.stream == nil
                            {
                                #expect(
                                    (try? JSONSerialization.jsonObject(
                                        with: Data(response.body), options: .fragmentsAllowed)) != nil,
                                    "\(request.target)")
                            }
                        }
                    }
                }
            }
            FuzzBudget.report("routes: \(router.patterns.count) patterns, \(answered) requests at parameter boundaries")
        }
    }

    /// What the server did with the fuzz run, for the record and the assertions.
    struct Tally: Sendable {
        var requests = 0
        var connections = 0
        var responses = 0
        var statuses: [Int: Int] = [:]
        var invalid: [String] = []
        var hangs: [String] = []
        var unexplained: [String] = []
        /// Responses cut short by a reset after the client had left them unread for the idle
        /// timeout: the server's bound on slow readers, not a broken response.
        var cutWhileUnread = 0

        mutating func merge(_ other: Tally) {
            requests += other.requests
            connections += other.connections
            responses += other.responses
            statuses.merge(other.statuses, uniquingKeysWith: +)
            invalid += other.invalid
            hangs += other.hangs
            unexplained += other.unexplained
            cutWhileUnread += other.cutWhileUnread
        }
    }

    /// The real `serve` over sockets, two clients at once, each case on its own connection from
    /// one of 50 loopback addresses (a case is half-closed after sending, so the server answers
    /// what arrived whole and closes).
    @Test func serveAnswersEveryCaseWithValidHTTPAndRecovers() async throws {
        let database = Fixtures.temporaryDirectory().appendingPathComponent("fuzz.sqlite").path
        let ingest = try await ChildProcess.chargereg([
            "ingest", "--database", database,
            Fixtures.packageRoot.appendingPathComponent("Schemas/examples/chile-example-feed.json").path,
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let served = try await ServedRegistry([
            "--database", database, "--idle-timeout", "\(Int(Self.idleTimeout))", "--request-timeout", "2",
            "--rate-limit", "0",
        ])
        // A warm-up, so the database connections and caches the run will use are open already.
        for target in RequestMutator.targets { _ = try await served.request(target) }
        let start = served.footprint
        let deadline = FuzzBudget.deadline()
        let total = FuzzBudget.requests
        let port = served.port
        let tally = await withTaskGroup(of: Tally.self) { group in
            for worker in 0..<2 {
                group.addTask {
                    await TestClient.offPool {
                        Self.run(worker: worker, port: port, requests: total / 2, deadline: deadline)
                    }
                }
            }
            var tally = Tally()
            for await part in group { tally.merge(part) }
            return tally
        }
        #expect(try await served.request("/api/v1/healthz")?.status == 200)
        var end = served.footprint
        for _ in 0..<50 where end.descriptors > start.descriptors {
            try await Task.sleep(for: .milliseconds(100))
            end = served.footprint
        }
        FuzzBudget.report(
            "serve: \(tally.requests) requests on \(tally.connections) connections, \(tally.responses) responses, "
                + "statuses \(tally.statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")); "
                + "RSS \(start.residentKB) → \(end.residentKB) KB, descriptors \(start.descriptors) → \(end.descriptors); "
                + "\(tally.cutWhileUnread) responses cut after \(Int(Self.idleTimeout)) s unread"
        )
        #expect(tally.invalid.isEmpty, "\(tally.invalid.prefix(5))")
        #expect(tally.hangs.isEmpty, "\(tally.hangs.prefix(5))")
        #expect(tally.unexplained.isEmpty, "\(tally.unexplained.prefix(5))")
        #expect(end.descriptors <= start.descriptors)
        #expect(served.process.isRunning)
        #expect(await served.stop() == 0)
    }

    /// The served registry's idle timeout, short so that the run's idle connections end soon.
    static let idleTimeout = 2.0

    static func run(worker: Int, port: Int, requests: Int, deadline: Date) -> Tally {
        var mutator = RequestMutator(seed: FuzzBudget.seed &+ UInt64(worker) &* 7919)
        var tally = Tally()
        var connection = 0
        while tally.requests < requests && Date() < deadline {
            let fuzzCase = mutator.next()
            connection += 1
            guard
                let client = try? TestClient(
                    port: port, timeout: 10, from: "127.0.0.\(2 + (connection * 2 + worker) % 50)")
            else {
                tally.hangs.append("connect failed")
                continue
            }
            var start = 0
            for cut in fuzzCase.cuts + [fuzzCase.bytes.count] {
                client.send(Array(fuzzCase.bytes[start..<cut]))
                start = cut
            }
            client.shutdownWrite()
            let sentAt = Date()
            let (bytes, closed, reset) = Self.readUntilClosed(client.fd)
            // A reset rather than TIME_WAIT for each of the run's connections.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            tally.requests += fuzzCase.requests
            tally.connections += 1
            let sent = String(decoding: fuzzCase.bytes.prefix(160), as: UTF8.self).debugDescription
            guard closed else {
                tally.hangs.append("no end within 10 s after \(sent)")
                continue
            }
            switch ResponseChecker.responses(bytes, firstIsHead: fuzzCase.head) {
            case .failure where reset && Date().timeIntervalSince(sentAt) >= Self.idleTimeout:
                // On a loaded machine this client read too slowly for the server's idle timeout.
                tally.cutWhileUnread += 1
            case .failure(let invalid): tally.invalid.append("\(invalid) after \(sent)")
            case .success(let responses):
                if responses.isEmpty && !bytes.isEmpty { tally.invalid.append("bytes but no response after \(sent)") }
                for response in responses {
                    tally.responses += 1
                    tally.statuses[response.status, default: 0] += 1
                    if response.status >= 500 && !Self.isExplained(response, head: fuzzCase.head) {
                        tally.unexplained.append(
                            "\(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self)) after \(sent)"
                        )
                    }
                }
            }
        }
        return tally
    }

    /// A 5xx the server means: a transfer coding or HTTP version it does not implement, or
    /// "busy" with its reason; never a 500.
    static func isExplained(_ response: ResponseChecker.Response, head: Bool) -> Bool {
        guard [501, 503, 505].contains(response.status) else { return false }
        if head && response.body.isEmpty { return true }  // HEAD: the same fields, no content
        let body = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (body?["message"] as? String ?? body?["status_message"] as? String)?.isEmpty == false
    }

    /// The bytes until the server closes; `closed` false when the receive timeout came first.
    static func readUntilClosed(_ fd: Int32) -> (bytes: [UInt8], closed: Bool, reset: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return (bytes, true, count < 0)
            } else if errno != EINTR {
                return (bytes, false, false)
            }
        }
    }
}
