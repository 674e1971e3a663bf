import Foundation
import Testing

@testable import HTTPServer

/// Routing in-process: a request value in, a response value out.
@Suite struct HTTPRouterTests {
    static let router: HTTPRouter = {
        var router = HTTPRouter()
        router.get("/api/v1/locations/{country_code}/{party_id}/{location_id}") { _, parameters in
            .json(Array("\(parameters["country_code"]!)|\(parameters["party_id"]!)|\(parameters["location_id"]!)".utf8))
        }
        router.get("/api/v1/locations") { request, _ in .json(Array("list \(request.query)".utf8)) }
        router.add("POST", "/api/v1/applications") { _, _ in HTTPResponse(status: .created) }
        return router
    }()

    static func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test func matchesLiteralAndParameterSegmentsPercentDecoded() async {
        let response = await Self.router.respond(
            to: HTTPRequest(method: "GET", target: "/api/v1/locations/CL/ABC/L%201"))
        #expect(response.status == .ok && Self.text(response) == "CL|ABC|L 1")
        let list = await Self.router.respond(to: HTTPRequest(method: "GET", target: "/api/v1/locations/?limit=5"))
        #expect(Self.text(list) == "list limit=5")
    }

    @Test func unknownPathsAre404AndOtherMethods405WithAllow() async {
        let missing = await Self.router.respond(to: HTTPRequest(method: "GET", target: "/nope"))
        #expect(missing.status == .notFound && Self.text(missing).contains("not_found"))
        let wrong = await Self.router.respond(to: HTTPRequest(method: "DELETE", target: "/api/v1/locations"))
        #expect(wrong.status == .methodNotAllowed && wrong.headers["Allow"] == "GET, HEAD")
        let head = await Self.router.respond(to: HTTPRequest(method: "HEAD", target: "/api/v1/locations"))
        #expect(head.status == .ok)
        for target in ["/api/v1/locations/CL/ABC/%zz", "/api/v1/locations/CL/ABC/%FF", "/nope/%\"x%"] {
            let badEscape = await Self.router.respond(to: HTTPRequest(method: "GET", target: target))
            #expect(badEscape.status == .badRequest, "\(target)")
            let body = try? JSONSerialization.jsonObject(with: Data(badEscape.body)) as? [String: String]
            #expect(body?["message"]?.contains("is not percent-encoded UTF-8") == true, "\(Self.text(badEscape))")
        }
    }

    /// A handler serving several methods sees a `HEAD` as a `GET` without content, so a `HEAD`
    /// with a body can never be taken for a write.
    @Test func headReachesOnlyTheGetHandlerAsAGetWithoutContent() async {
        var router = HTTPRouter()
        for method in ["GET", "PUT", "PATCH"] {
            router.add(method, "/things/{id}") { request, _ in
                .json(Array("\(request.method) \(request.body.count)".utf8))
            }
        }
        let head = await router.respond(
            to: HTTPRequest(method: "HEAD", target: "/things/1", body: Array(#"{"publish": false}"#.utf8)))
        #expect(head.status == .ok && Self.text(head) == "GET 0")
        router = HTTPRouter()
        router.add("PATCH", "/things/{id}") { _, _ in HTTPResponse(status: .noContent) }
        let headOfWrite = await router.respond(to: HTTPRequest(method: "HEAD", target: "/things/1", body: [1]))
        #expect(headOfWrite.status == .methodNotAllowed && headOfWrite.headers["Allow"] == "PATCH")
    }

    @Test func listsItsPatternsOnce() {
        #expect(
            Self.router.patterns == [
                "/api/v1/locations/{country_code}/{party_id}/{location_id}", "/api/v1/locations",
                "/api/v1/applications",
            ])
    }

    @Test func serializesWithLengthAndWithoutABodyForHead() {
        let response = HTTPResponse.json(Array("{}".utf8))
        #expect(
            String(decoding: response.serialized(keepAlive: true), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        #expect(
            String(decoding: response.serialized(keepAlive: false, headRequest: true), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        )
    }

    @Test func aStreamedResponseIsFramedChunkedOrByClosing() {
        let response = HTTPResponse.streamed(headers: ["Content-Length": "9"]) { _ in }
        #expect(
            String(decoding: response.serialized(keepAlive: true, headRequest: true), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(
            String(decoding: response.serialized(keepAlive: false, chunked: false), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
    }

    @Test func percentDecoding() {
        #expect(PercentDecoding.decode("a%2Fb%C3%B1") == "a/bñ")
        #expect(PercentDecoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentDecoding.decode("%4") == nil && PercentDecoding.decode("%FF") == nil)
    }
}
