import Foundation
import Synchronization
import TestFixtures
import TestHTTPClient
import Testing

@testable import HTTPServer

/// Every quantity a client controls is bounded (issue #18): unread responses per connection,
/// connections per client address, metric series, and the listening address itself.
@Suite struct HTTPServerBoundsTests {
    /// Counts the requests handlers have seen.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    static func server(
        counter: Counter = Counter(), metrics: HTTPMetrics = HTTPMetrics(),
        _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws -> HTTPServer {
        var router = HTTPRouter()
        router.get("/count") { _, _ in
            let number = counter.value.add(1, ordering: .relaxed).newValue
            return .json(Array(#"{"n":\#(number)}"#.utf8))
        }
        router.get("/big") { _, _ in .json([UInt8](repeating: 32, count: 256 * 1024) + Array("{}".utf8)) }
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        return try HTTPServer(configuration: configuration, router: router, metrics: metrics, accessLog: { _ in })
    }

    /// A client pipelining without reading gets at most `maximumQueuedResponses` answers queued
    /// in the server (beyond what the kernel's socket buffers take, a few MB on loopback); once
    /// it reads, the rest follow in order.
    @Test(arguments: [(4, 1 << 30), (1000, 64 * 1024)])
    func aClientThatDoesNotReadHoldsOnlyItsQueueOfResponses(responses: Int, bytes: Int) async throws {
        let counter = Counter()
        let server = try Self.server(counter: counter) {
            $0.maximumQueuedResponses = responses
            $0.maximumQueuedOutputBytes = bytes
        }
        let client = try TestClient(port: server.port)
        let requests = String(
            repeating: "GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /count HTTP/1.1\r\nHost: x\r\n\r\n", count: 1000)
        #expect(client.send(Array(requests.utf8)) == requests.utf8.count)
        var seen = 0
        for _ in 0..<10 {
            try await Task.sleep(for: .milliseconds(30))
            seen = counter.value.load(ordering: .relaxed)
        }
        // 1,000 answers of 256 KB would be 256 MB; what is answered ahead stays within the bounds.
        #expect(seen < 100, "\(seen) answered ahead")
        for index in 1...1000 {
            guard await client.response()?.status == 200, let response = await client.response() else {
                Issue.record("no response \(index)")
                break
            }
            if response.body != #"{"n":\#(index)}"# {
                Issue.record("response \(index): \(response.body)")
                break
            }
        }
        await server.shutdown()
    }

    /// One address cannot take every connection; another client still gets in, and the client
    /// turned away reads its 503 (it is not reset, though it had sent its request already).
    @Test func aClientOverItsConnectionCapGetsA503AndOthersStillGetIn() async throws {
        let server = try Self.server { $0.maximumConnectionsPerClient = 3 }
        let held = try (0..<3).map { _ in try TestClient(port: server.port) }
        for client in held { client.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\n") }
        for client in held { #expect(await client.response()?.status == 200) }
        let fourth = try TestClient(port: server.port)
        fourth.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = try #require(await fourth.response())
        #expect(refused.status == 503 && refused.headers["retry-after"] == "1")
        let body = try JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: String]
        #expect(body?["message"] == "too many connections; retry later")
        let other = try TestClient(port: server.port, from: "127.0.0.2")
        other.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await other.response()?.status == 200)
        // A slot freed is a slot again.
        _ = held.first.map { shutdown($0.fd, Int32(SHUT_RDWR)) }
        try await Task.sleep(for: .milliseconds(100))
        let fifth = try TestClient(port: server.port)
        fifth.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await fifth.response()?.status == 200)
        await server.shutdown()
    }

    /// Metric series are labelled by known methods and route patterns only.
    @Test func inventedMethodsAndPathsAddNoMetricSeries() async throws {
        let metrics = HTTPMetrics()
        let server = try Self.server(metrics: metrics)
        let client = try TestClient(port: server.port)
        var generator = SeededGenerator(seed: 7)
        for index in 0..<300 {
            let method = String(
                (0..<40).map { _ in Character(UnicodeScalar(UInt8.random(in: 65...90, using: &generator))) })
            client.send(
                "\(method) /nowhere/\(index)/\(UInt64.random(in: 0...UInt64.max, using: &generator)) HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            #expect(await client.response()?.status == 404)
        }
        client.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = await client.response()
        let series = metrics.exposition.split(separator: "\n").filter { $0.hasPrefix("chargereg_http_requests_total{") }
        #expect(
            series == [
                #"chargereg_http_requests_total{route="(unrouted)",method="OTHER",status="404"} 300"#,
                #"chargereg_http_requests_total{route="/count",method="GET",status="200"} 1"#,
            ])
        await server.shutdown()
    }

    /// The address belongs to one server: a second fails instead of sharing it.
    @Test func aSecondServerOnTheSameAddressFails() async throws {
        let first = try Self.server()
        #expect {
            _ = try Self.server { $0.port = first.port }
        } throws: { error in
            "\(error)" == "cannot listen on 127.0.0.1:\(first.port): Address already in use"
        }
        let client = try TestClient(port: first.port)
        client.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await client.response()?.status == 200)
        await first.shutdown()
    }

    /// The server's own error bodies are JSON whatever the request held.
    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: x\r\nBad\u{1}Name\"\\: v\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \u{7F}\"\\\u{9}x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\u{1}\"\r\n",
        "G\"T / HTTP/1.1\r\n\r\n",
    ])
    func errorBodiesAreValidJSON(request: String) async throws {
        let server = try Self.server()
        let client = try TestClient(port: server.port)
        var bytes = Array(request.utf8)
        bytes.insert(0xFF, at: bytes.count - 4)  // and a byte that is not UTF-8
        client.send(bytes)
        let response = try #require(await client.response())
        #expect(response.status == 400 || response.status == 501)
        let body = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: String]
        #expect(body?["message"]?.isEmpty == false, "\(response.body)")
        await server.shutdown()
    }
}
