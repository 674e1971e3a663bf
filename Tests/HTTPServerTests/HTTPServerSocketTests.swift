#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization
import Testing

@testable import HTTPServer
import TestHTTPClient

/// The server over real loopback sockets: keep-alive, pipelining, limits, timeouts, many
/// clients, graceful shutdown.
@Suite struct HTTPServerSocketTests {
    static func router(gate: Gate? = nil, stopped: StreamEnd? = nil) -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/hello/{name}") { _, parameters in .json(Array(#"{"hello":"\#(parameters["name"]!)"}"#.utf8)) }
        router.add("POST", "/echo") { request, _ in HTTPResponse(body: request.body) }
        router.get("/stream/{count}") { _, parameters in
            let count = Int(parameters["count"]!)!
            return .streamed(headers: ["Content-Type": "text/plain"]) { writer in
                for index in 0..<count {
                    try await writer.write(Array("line \(index)\n".utf8) + [UInt8](repeating: 46, count: 1000))
                }
                stopped?.record(count)
            }
        }
        router.get("/slow") { _, _ in
            await gate?.wait()
            return .json(Array("{}".utf8))
        }
        return router
    }

    static func server(
        _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }, gate: Gate? = nil, stopped: StreamEnd? = nil
    ) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        return try HTTPServer(
            configuration: configuration, router: router(gate: gate, stopped: stopped), accessLog: { _ in })
    }

    /// A response's log note is on its access-log line, never in what the client receives.
    @Test func aLogNoteGoesToTheAccessLogOnly() async throws {
        var router = HTTPRouter()
        router.get("/fails") { _, _ in
            var response = HTTPResponse.json(Array(#"{"error":"unavailable"}"#.utf8), status: .serviceUnavailable)
            response.logNote = "cannot connect to db.internal:5432 as registry"
            return response
        }
        let lines = Mutex<[String]>([])
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        let server = try HTTPServer(
            configuration: configuration, router: router, accessLog: { line in lines.withLock { $0.append(line) } })
        let client = try TestClient(port: server.port)
        client.send("GET /fails HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(await client.response())
        #expect(response.status == 503 && !response.body.contains("db.internal"))
        await server.shutdown()
        let line = try #require(lines.withLock { $0 }.first)
        let logged = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(logged?["error"] as? String == "cannot connect to db.internal:5432 as registry")
    }

    @Test func aLargeBodyIsStreamedChunkedAndTheConnectionStaysUsable() async throws {
        let server = try Self.server()
        let client = try TestClient(port: server.port)
        client.send("GET /stream/20000 HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(await client.response())
        #expect(response.headers["transfer-encoding"] == "chunked" && response.headers["content-length"] == nil)
        #expect(response.body.utf8.count == (0..<20000).reduce(0) { $0 + "line \($1)\n".utf8.count + 1000 })
        #expect(response.body.hasSuffix("line 19999\n" + String(repeating: ".", count: 1000)))
        client.send("GET /hello/after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await client.response()?.body == #"{"hello":"after"}"#)
        // HTTP/1.0 has no chunked coding: the body ends where the connection does.
        let old = try TestClient(port: server.port)
        old.send("GET /stream/3 HTTP/1.0\r\n\r\n")
        let raw = await old.untilClosed()
        #expect(raw.contains("Connection: close\r\n") && !raw.contains("Transfer-Encoding"))
        #expect(raw.hasSuffix("line 2\n" + String(repeating: ".", count: 1000)))
        await server.shutdown()
    }

    /// A client that stops reading is cut off after the idle timeout, and its connection is
    /// reset rather than closed: a response cut short must not end like a complete one.
    @Test func aResponseCutForAClientThatStoppedReadingEndsInAReset() async throws {
        let server = try Self.server { $0.idleTimeout = 0.5 }
        let client = try TestClient(port: server.port, timeout: 20)
        client.send("GET /stream/200000 HTTP/1.1\r\nHost: x\r\n\r\n")
        // Reading nothing until the server has given up on the client (the buffers between them
        // fill first, however slowly a loaded machine produces the stream).
        for _ in 0..<100 where server.connectionCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.connectionCount == 1)
        for _ in 0..<1200 where server.connectionCount > 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(server.connectionCount == 0)
        let ending = await TestClient.offPool {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
                if count > 0 { continue }
                return count == 0 ? "end of stream" : errno == ECONNRESET ? "reset" : "error \(errno)"
            }
        }
        #expect(ending == "reset")
        await server.shutdown()
    }

    @Test func aStreamStopsWhenTheClientLeaves() async throws {
        let stopped = StreamEnd()
        let server = try Self.server(stopped: stopped)
        do {
            let client = try TestClient(port: server.port)
            client.send("GET /stream/1000000 HTTP/1.1\r\nHost: x\r\n\r\n")
            try await Task.sleep(for: .milliseconds(200))
        }  // The client closes without reading: the handler's next write throws.
        try await Task.sleep(for: .milliseconds(500))
        #expect(stopped.completed == nil)
        await server.shutdown()
        #expect(server.connectionCount == 0)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let server = try Self.server()
        let client = try TestClient(port: server.port)
        for name in ["a", "b", "c"] {
            client.send("GET /hello/\(name) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try #require(await client.response())
            #expect(response.status == 200 && response.body == #"{"hello":"\#(name)"}"#)
            #expect(response.headers["x-request-id"]?.isEmpty == false)
        }
        client.send("GET /hello/z HTTP/1.1\r\nHost: x\r\nX-Request-ID: mine\r\nConnection: close\r\n\r\n")
        #expect(await client.response()?.headers["x-request-id"] == "mine")
        #expect(await client.isClosedByServer())
        await server.shutdown()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try Self.server()
        let client = try TestClient(port: server.port)
        client.send(
            (1...20).map { "GET /hello/\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
                + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        for index in 1...20 { #expect(await client.response()?.body == #"{"hello":"\#(index)"}"#) }
        #expect(await client.response()?.body == "abc")
        await server.shutdown()
    }

    @Test func limitsAreAnsweredWithTheirStatusAndTheConnectionCloses() async throws {
        let server = try Self.server {
            $0.limits.headerBytes = 256; $0.limits.bodyBytes = 16
        }
        let headers = try TestClient(port: server.port)
        headers.send("GET /hello/a HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "y", count: 300))\r\n\r\n")
        #expect(await headers.response()?.status == 431)
        #expect(await headers.isClosedByServer())
        let body = try TestClient(port: server.port)
        body.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n")
        #expect(await body.response()?.status == 413)
        let garbage = try TestClient(port: server.port)
        garbage.send("HELLO\r\n\r\n")
        #expect(await garbage.response()?.status == 400)
        let missing = try TestClient(port: server.port)
        missing.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await missing.response()?.status == 404)
        // The server is still serving.
        let fine = try TestClient(port: server.port)
        fine.send("GET /hello/ok HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await fine.response()?.status == 200)
        await server.shutdown()
    }

    @Test func aTricklingClientIsCutOffAndAnIdleOneClosed() async throws {
        let server = try Self.server {
            $0.readTimeout = 0.5; $0.idleTimeout = 0.5
        }
        let trickler = try TestClient(port: server.port)
        for byte in "GET /hello/slowly HTTP/1.1\r\n".utf8.prefix(8) {
            trickler.send([byte])
            try await Task.sleep(for: .milliseconds(150))
        }
        #expect(await trickler.response()?.status == 408)
        let idle = try TestClient(port: server.port)
        idle.send("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await idle.response()?.status == 200)
        #expect(await idle.isClosedByServer())
        await server.shutdown()
    }

    @Test func beyondTheConnectionLimitClientsGetAFast503() async throws {
        let server = try Self.server {
            $0.maximumConnections = 2; $0.eventLoops = 1
        }
        let first = try TestClient(port: server.port)
        let second = try TestClient(port: server.port)
        first.send("GET /hello/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        second.send("GET /hello/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await first.response()?.status == 200)
        #expect(await second.response()?.status == 200)
        let third = try TestClient(port: server.port)
        #expect(await third.response()?.status == 503)
        await server.shutdown()
    }

    @Test func twoHundredConcurrentClients() async throws {
        let server = try Self.server()
        let port = server.port
        let answered = await withTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    guard let client = try? TestClient(port: port) else { return 0 }
                    var ok = 0
                    for round in 0..<5 {
                        client.send("GET /hello/\(index)-\(round) HTTP/1.1\r\nHost: x\r\n\r\n")
                        if await client.response()?.body == #"{"hello":"\#(index)-\#(round)"}"# { ok += 1 }
                    }
                    return ok
                }
            }
            return await group.reduce(0, +)
        }
        #expect(answered == 1000)
        await server.shutdown()
    }

    @Test func shutdownLetsARequestInFlightFinish() async throws {
        let gate = Gate()
        let server = try Self.server(gate: gate)
        let client = try TestClient(port: server.port)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        async let stopped: Void = server.shutdown()
        try await Task.sleep(for: .milliseconds(100))
        let late = try? TestClient(port: server.port, timeout: 0.5)
        #expect(await late?.response() == nil)
        gate.open()
        let response = try #require(await client.response())
        #expect(response.status == 200 && response.headers["connection"] == "close")
        await stopped
    }
}

/// Records whether a streaming handler ran to its end.
final class StreamEnd: Sendable {
    private let value = Mutex<Int?>(nil)
    func record(_ count: Int) { value.withLock { $0 = count } }
    var completed: Int? { value.withLock { $0 } }
}

/// Holds handlers until opened.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
