import HTTPServer
import Testing

@testable import AccessPoint

/// The token buckets of `RateLimits`, on a clock of the test's own.
@Suite struct RateLimiterTests {
    static func request(_ method: String = "GET", from client: String? = "203.0.113.7") -> HTTPRequest {
        var request = HTTPRequest(method: method, target: "/x")
        request.clientAddress = client
        return request
    }

    @Test func aBucketRefillsAtItsRateAndSaysWhenToComeBack() {
        var limits = RateLimits()
        limits.readsPerSecond = 2
        limits.readBurst = 2
        let limiter = RateLimiter(limits)
        func status(_ request: HTTPRequest, _ route: String = "/api/v1/locations", at now: Double) -> Int {
            limiter.refusal(request, route: route, now: now)?.status.code ?? 200
        }
        #expect([status(Self.request(), at: 0), status(Self.request(), at: 0)] == [200, 200])
        let refused = limiter.refusal(Self.request(), route: "/api/v1/locations", now: 0.1)
        #expect(refused?.status == .tooManyRequests && refused?.headers["Retry-After"] == "1")
        #expect(status(Self.request(), at: 0.6) == 200)
        #expect(status(Self.request(), at: 0.6) == 429)
        #expect(status(Self.request(from: "203.0.113.8"), at: 0.6) == 200)
        // Never limited: health and metrics, the office, writes, requests without an address.
        for route in ["/api/v1/healthz", "/api/v1/metrics", "/api/v1/office/applications"] {
            #expect(status(Self.request(), route, at: 0.6) == 200, "\(route)")
        }
        #expect(status(Self.request("PUT"), "/ocpi/{version}/receiver/locations", at: 0.6) == 200)
        #expect(status(Self.request(from: nil), at: 0.6) == 200)
        // Applications: their own bucket, per minute.
        let application = Self.request("POST")
        let perMinute = (0..<6).map { _ in status(application, "/api/v1/applications", at: 1) }
        #expect(perMinute == [200, 200, 200, 200, 200, 429])
        #expect(status(application, "/api/v1/applications", at: 13) == 200)
    }

    /// The table of buckets stays bounded by the busy clients: past 100,000 addresses, those whose
    /// bucket has filled up again are forgotten, at most once a second; a busy one is kept.
    @Test func addressesWhoseBucketFilledUpAgainAreForgotten() {
        var limits = RateLimits()
        limits.readsPerSecond = 10
        limits.readBurst = 10
        let limiter = RateLimiter(limits)
        for _ in 0..<10 { _ = limiter.refusal(Self.request(from: "busy"), route: "/api/v1/locations", now: 0) }
        for index in 0..<100_000 {
            _ = limiter.refusal(Self.request(from: "client \(index)"), route: "/api/v1/locations", now: 0)
        }
        #expect(limiter.buckets == 100_001)
        // Half a second later no bucket has filled up again (one token of ten is back).
        _ = limiter.refusal(Self.request(from: "late"), route: "/api/v1/locations", now: 0.5)
        #expect(limiter.buckets == 100_002)
        // A second later every one-request bucket is full again, but the busy one, emptied at 0
        // and asking again now, is not: the sweep keeps it alone.
        _ = limiter.refusal(Self.request(from: "busy"), route: "/api/v1/locations", now: 1)
        #expect(limiter.buckets == 1)
    }
}
