import TestFixtures

/// Hostile HTTP/1.1 requests made from valid ones to every route: byte flips, truncation,
/// insertions, framing conflicts (two lengths, length and chunked, bad chunk sizes), huge and
/// many header fields, long targets, bad percent-escapes, boundary query values, absolute-form
/// targets, and several requests pipelined in one send.
struct RequestMutator {
    var random: SeededGenerator

    /// One case: the bytes, where to cut them into separate sends, and how many requests they hold.
    struct Case {
        var bytes: [UInt8]
        var cuts: [Int] = []
        var requests: Int
        /// The first request is HEAD (its response has no body whatever its Content-Length).
        var head = false
    }

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    static let targets = [
        "/api/v1/healthz", "/api/v1/stats", "/api/v1/metrics", "/api/v1/locations", "/api/v1/locations?limit=2",
        "/api/v1/locations?bbox=-71,-34,-70,-33&limit=3", "/api/v1/locations?near=-33.44,-70.65&radius_m=5000",
        "/api/v1/locations?changed_since=2026-01-01T00:00:00Z&country=CL&party=CL*VLT",
        "/api/v1/locations?city=Santiago&connector_standard=IEC_62196_T2&min_power_kw=7&status=AVAILABLE",
        "/api/v1/locations/CL/VLT/SCL-PROV-001", "/api/v1/evses/CL*VLT*E001*1", "/api/v1/quality",
        "/api/v1/quality/operators/CL*VLT", "/api/v1/quality/locations/CL/VLT/SCL-PROV-001", "/api/v1/parties",
        "/api/v1/parties/CL*VLT", "/api/v1/openapi.json", "/ocpi/versions", "/ocpi/2.2.1", "/ocpi/2.1.1",
        "/ocpi/2.3.0/sender/locations?limit=2&offset=1", "/ocpi/2.2.1/sender/locations?date_from=2026-01-01T00:00:00Z",
        "/ocpi/2.1.1/sender/locations/SCL-PROV-001", "/ocpi/2.2.1/sender/locations/SCL-PROV-001/VLT-001-1/1",
        "/opendata/locations.csv?limit=1", "/opendata/locations.geojson?country=CHL", "/opendata/locations.json",
        "/api/v1/office/audit", "/ocpi/2.2.1/receiver/locations/CL/VLT/X1", "/ocpi/2.2.1/credentials", "/",
    ]

    /// Values that sit on a boundary of some parser: numbers, dates, cursors, escapes.
    static let boundaryValues = [
        "", "0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "18446744073709551616", "1e400", "-1e400", "1e-400", "NaN", "Infinity", "-Infinity", "0x10", "1_000",
        "00000000000000000000000000000001", "2026-01-01T00:00:00.1234567890Z",
        "2026-01-01T00:00:00.\(String(repeating: "9", count: 300))Z", "9999-12-31T23:59:60.999999999-23:59",
        "0000-01-01T00:00:00+23:59", "2026-02-30T00:00:00Z", "0-1", "0-0", "-1-1",
        "9223372036854775807-9223372036854775807",
        "o9223372036854775807", "k", "kzz", "k00", "%FF", "%zz", "%", "%00", "%2F", "%C3%28", "%ED%A0%80",
        "a,b,c,d", "-180,-90,180,90", "180,90,-180,-90", "1e400,0,0,0", "90.000001,0", "CL*", "*", "ÿ", "🙂",
        String(repeating: "A", count: 5_000),
    ]

    static let methods = ["GET", "GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW"]

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    /// A valid request to a route, with a query value at a boundary now and then.
    mutating func validRequest(keepAlive: Bool = true) -> (bytes: [UInt8], head: Bool) {
        let method = pick(Self.methods)
        var target = pick(Self.targets)
        if chance(40) {
            let name = pick([
                "limit", "offset", "after", "cursor", "date_from", "date_to", "changed_since", "bbox", "near",
                "radius_m", "min_power_kw", "country", "party", "status", "x",
            ])
            target += (target.contains("?") ? "&" : "?") + name + "=" + pick(Self.boundaryValues)
        }
        if chance(5) { target = "http://127.0.0.1" + target }
        var head = "\(method) \(target) HTTP/1.\(chance(90) ? 1 : 0)\r\nHost: 127.0.0.1\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        if chance(20) {
            head += "Authorization: Token \(pick(["cr_operator_x", "", "Y3Jfb3BlcmF0b3JfeA==", "\u{7F}"]))\r\n"
        }
        var body: [UInt8] = []
        if method == "POST" || method == "PUT" || method == "PATCH" {
            body = Array(pick([#"{"a":1}"#, "[]", "{", #"{"country_code":"CL","party_id":"VLT","id":"X1"}"#, ""]).utf8)
            if chance(30) {
                head += "Transfer-Encoding: chunked\r\n\r\n"
                let chunked = Array((String(body.count, radix: 16) + "\r\n").utf8) + body + Array("\r\n0\r\n\r\n".utf8)
                return (Array(head.utf8) + chunked, method == "HEAD")
            }
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        return (Array((head + "\r\n").utf8) + body, method == "HEAD")
    }

    /// A case: one to five valid requests pipelined, then mutated one way or another.
    mutating func next() -> Case {
        let count = chance(70) ? 1 : Int.random(in: 2...5, using: &random)
        var bytes: [UInt8] = []
        var firstIsHead = false
        for index in 0..<count {
            var request = validRequest(keepAlive: index < count - 1 || chance(50))
            // HEAD only alone: a reader cannot tell a HEAD response's end from what follows it otherwise.
            while count > 1 && request.head { request = validRequest(keepAlive: index < count - 1) }
            if index == 0 { firstIsHead = request.head }
            bytes += request.bytes
        }
        var result = Case(bytes: bytes, requests: count, head: firstIsHead)
        if chance(75) {
            mutate(&result.bytes)
            result.head = result.bytes.starts(with: Array("HEAD ".utf8))
        }
        if chance(30) {
            result.cuts = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                Int.random(in: 0...result.bytes.count, using: &random)
            }.sorted()
        }
        return result
    }

    /// One of the mutations, applied once or a few times.
    mutating func mutate(_ bytes: inout [UInt8]) {
        for _ in 0..<(chance(80) ? 1 : Int.random(in: 2...4, using: &random)) {
            guard !bytes.isEmpty else { return }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<14, using: &random) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes[at] = pick(Array("\r\n :;,\"\\%\t\u{0}\u{7F}".utf8))
            case 2: bytes.removeSubrange(at...)
            case 3:
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...16, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    }, at: at)
            case 4: bytes.remove(at: at)
            case 5:
                insertField(
                    &bytes,
                    pick([
                        "Content-Length: 5", "Content-Length: -1", "Content-Length: 99999999999999999999",
                        "Content-Length: 1, 2", "Content-Length: +3",
                    ]))
            case 6:
                insertField(
                    &bytes,
                    pick([
                        "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked",
                        "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: identity",
                    ]))
            case 7: insertField(&bytes, "Host: " + pick(["", "a b", "evil.example", "[::1]:80", "h\u{1}", "x/y"]))
            case 8:
                insertField(
                    &bytes, "X-Big: " + String(repeating: "b", count: Int.random(in: 1_000...40_000, using: &random)))
            case 9:
                for index in 0..<Int.random(in: 50...150, using: &random) { insertField(&bytes, "X-Many-\(index): v") }
            case 10:
                let body =
                    "Transfer-Encoding: chunked\r\n\r\n"
                    + pick([
                        "+e", "-0", "e junk", "ffffffffffffffff", "0x1", "1;ext=1", "1 ;", " 1", "5\r\nabc",
                        "0\r\nX: y",
                    ]) + "\r\n"
                if let end = headEnd(bytes) { bytes.replaceSubrange(end..., with: Array(body.utf8)) }
            case 11:
                let target = String(repeating: "/x", count: Int.random(in: 2_000...6_000, using: &random))
                bytes = Array("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
            case 12:
                insertField(&bytes, "X-Request-ID: " + pick(["", "\"\\", String(repeating: "r", count: 300), "ü"]))
            default:
                bytes.insert(
                    contentsOf: Array(pick(["%FF", "%", "%zz", "%00", "%ED%A0%80", "?", "#", "//", "/.."]).utf8),
                    at: min(at, targetEnd(bytes)))
            }
        }
    }

    /// Inserts a header field line after the request line.
    private func insertField(_ bytes: inout [UInt8], _ line: String) {
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return }
        bytes.insert(contentsOf: Array((line + "\r\n").utf8), at: end + 1)
    }

    private func headEnd(_ bytes: [UInt8]) -> Int? {
        let separator = Array("\r\n\r\n".utf8)
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual(separator) }.map { $0 + 2 }
    }

    /// Somewhere inside the first request line's target.
    private func targetEnd(_ bytes: [UInt8]) -> Int {
        let spaces = bytes.indices.filter { bytes[$0] == 0x20 }.prefix(2)
        return spaces.count == 2 ? spaces.last! : bytes.count
    }
}
