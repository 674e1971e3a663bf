import Testing

@testable import HTTPServer

/// The request parser against RFC 9112 framing, each limit, and malformed input.
@Suite struct HTTPRequestParserTests {
    static func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [HTTPRequest] {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(text.utf8))
        var requests: [HTTPRequest] = []
        while let request = try parser.next() { requests.append(request) }
        return requests
    }

    static func error(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch { return error }
    }

    @Test func readsARequestWithHeadersAndABody() throws {
        let requests = try Self.parse(
            "POST /api/v1/x?a=1&b=2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-Request-ID:  abc \r\n\r\nhello")
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/api/v1/x" && request.query == "a=1&b=2")
        #expect(request.headers["x-request-id"] == "abc" && request.headers["HOST"] == "h")
        #expect(request.body == Array("hello".utf8) && request.keepAlive)
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        let requests = try Self.parse(
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /3 HTTP/1.0\r\n\r\n"
        )
        #expect(requests.map(\.target) == ["/1", "/2", "/3"])
        #expect(requests.map(\.keepAlive) == [true, false, false])
    }

    @Test func bytesArrivingOneAtATimeMakeTheSameRequest() throws {
        let text =
            "PUT /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nT: x\r\n\r\n"
        var parser = HTTPRequestParser()
        var requests: [HTTPRequest] = []
        for byte in text.utf8 {
            parser.append([byte])
            while let request = try parser.next() { requests.append(request) }
        }
        #expect(requests.count == 1 && requests.first?.body == Array("Wikipedia".utf8))
        #expect(!parser.isMidRequest)
    }

    @Test func aBareLineFeedEndsALine() throws {
        #expect(try Self.parse("GET / HTTP/1.1\nHost: h\n\n").count == 1)
    }

    @Test(arguments: [
        ("GET  / HTTP/1.1\r\n\r\n", 400), ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505), ("GET /\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400), ("GET /ü HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHo st: h\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\rx\r\n\r\n", 400),
        // RFC 9112 §7.1: a chunk size is hex digits, then nothing or an extension.
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n+e\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\ne junk\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", 400),
        // RFC 9112 §3.2: one Host, and a valid one.
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{1}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}\r\n\r\n", 400),
        ("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400), ("GET http:/// HTTP/1.1\r\n\r\n", 400),
        ("GET http://u@h/ HTTP/1.1\r\n\r\n", 400),
    ])
    func malformedRequestsAreRefusedWithTheirStatus(text: String, status: Int) {
        #expect(Self.error(text)?.status.code == status, "\(text.debugDescription)")
    }

    @Test func chunkExtensionsAreIgnoredAndHexMayBeEitherCase() throws {
        let request = try #require(
            try Self.parse(
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nA ; name=value\r\n0123456789\r\n"
                    + "b;x\r\nabcdefghijk\r\n0\r\n\r\n"
            ).first)
        #expect(request.body == Array("0123456789abcdefghijk".utf8))
    }

    /// RFC 9112 §3.2.2: an absolute-form target is accepted; its authority replaces Host.
    @Test func anAbsoluteFormTargetIsReadAsItsPathAndAuthority() throws {
        let requests = try Self.parse(
            "GET http://registry.example:8080/api/v1/healthz?x=1 HTTP/1.1\r\nHost: other\r\n\r\n"
                + "GET HTTPS://registry.example HTTP/1.1\r\n\r\nGET http://h?q HTTP/1.0\r\n\r\n")
        #expect(requests.map(\.target) == ["/api/v1/healthz?x=1", "/", "/?q"])
        #expect(requests.map { $0.headers.values("host") } == [["registry.example:8080"], ["registry.example"], ["h"]])
    }

    @Test func invalidUTF8InAHeaderValueIsRefused() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: ".utf8) + [0xC3, 0x28] + Array("\r\n\r\n".utf8))
        #expect(throws: HTTPParseError(.badRequest, "the value of header 'Host' is not valid UTF-8")) {
            _ = try parser.next()
        }
    }

    @Test func everyLimitHasItsStatus() {
        var limits = HTTPLimits()
        limits.requestLineBytes = 32
        limits.headerCount = 3
        limits.headerBytes = 64
        limits.bodyBytes = 10
        #expect(
            Self.error("GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\n", limits: limits)?.status == .uriTooLong)
        // Refused before the line ends: a client cannot make the server buffer without bound.
        #expect(Self.error("GET /\(String(repeating: "a", count: 40))", limits: limits)?.status == .uriTooLong)
        #expect(
            Self.error("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits)?.status
                == .headerFieldsTooLarge)
        #expect(
            Self.error("GET / HTTP/1.1\r\nHost: h\r\nA: \(String(repeating: "x", count: 70))", limits: limits)?.status
                == .headerFieldsTooLarge)
        #expect(
            Self.error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits)?.status
                == .contentTooLarge)
        #expect(
            Self.error(
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n", limits: limits)?
                .status == .contentTooLarge)
    }

    @Test func aPartialRequestIsMidRequest() throws {
        var parser = HTTPRequestParser()
        #expect(!parser.isMidRequest)
        parser.append(Array("GET / HT".utf8))
        #expect(try parser.next()?.target == nil)
        #expect(parser.isMidRequest)
        parser.append(Array("TP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(try parser.next()?.target == "/")
        #expect(!parser.isMidRequest)
    }
}
