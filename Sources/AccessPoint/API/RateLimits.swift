import HTTPServer
import Synchronization

/// How often one client address may call the access point: a token bucket per address and kind
/// of request, so bursts pass and a steady flood is answered `429 Too Many Requests` with
/// `Retry-After` (RFC 6585 §4). Public reads (the read API, the Sender, the dumps, the register)
/// share one generous bucket; applications for a code have a tight one, as each reaches the
/// office's desk. Health and metrics are never limited, so monitoring sees an overloaded server.
public struct RateLimits: Sendable {
    /// Public reads per second per address (0: no limit), and how many may come at once.
    public var readsPerSecond = 50.0
    public var readBurst = 100.0
    /// Applications per minute per address (0: no limit), all of which may come at once.
    public var applicationsPerMinute = 5.0

    public init() {}
}

/// The buckets of `RateLimits`, one per client address and kind, kept for the addresses seen
/// lately (a full bucket is forgotten, so the table stays bounded by the clients that are busy).
final class RateLimiter: Sendable {
    let limits: RateLimits
    private let state = Mutex<(buckets: [Key: Bucket], lastSweep: Double)>(([:], 0))

    private struct Key: Hashable {
        let client: String
        let applications: Bool
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    init(_ limits: RateLimits) { self.limits = limits }

    /// The rate a second and the burst of a kind of request.
    private func allowance(applications: Bool) -> (rate: Double, burst: Double) {
        applications
            ? (limits.applicationsPerMinute / 60, max(1, limits.applicationsPerMinute))
            : (limits.readsPerSecond, limits.readBurst)
    }

    /// The `429` for `request` to `route` when its client has used up its bucket, else nil.
    func refusal(_ request: HTTPRequest, route: String, now: Double) -> HTTPResponse? {
        guard let client = request.clientAddress else { return nil }
        let applications = request.method == "POST" && route == "/api/v1/applications"
        let read =
            ["GET", "HEAD"].contains(request.method) && !["/api/v1/healthz", "/api/v1/metrics"].contains(route)
            && !route.hasPrefix("/api/v1/office")
        guard applications || read else { return nil }
        let (rate, burst) = allowance(applications: applications)
        guard rate > 0, rate.isFinite, burst.isFinite else { return nil }
        let wait: Double? = state.withLock { state in
            let key = Key(client: client, applications: applications)
            var bucket = state.buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer {
                state.buckets[key] = bucket
                // Addresses whose bucket has filled up again are forgotten, at most once a second.
                if state.buckets.count > 100_000, now - state.lastSweep >= 1 {
                    state.lastSweep = now
                    state.buckets = state.buckets.filter { key, bucket in
                        let (rate, burst) = allowance(applications: key.applications)
                        return bucket.tokens + max(0, now - bucket.updated) * rate < burst
                    }
                }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
            bucket.tokens -= 1
            return nil
        }
        guard let wait else { return nil }
        var response = APIError.response(
            .tooManyRequests, "rate_limited",
            applications
                ? "at most \(Self.number(limits.applicationsPerMinute)) applications a minute from one address"
                : "at most \(Self.number(limits.readsPerSecond)) requests a second from one address (bursts of \(Self.number(burst)))"
        )
        // A day at most: a configured rate near 0 must not make the conversion trap.
        response.headers.set("Retry-After", String(Int(wait.isFinite ? min(wait.rounded(.up), 86_400) : 86_400)))
        return response
    }

    /// The buckets kept: one per address and kind seen lately.
    var buckets: Int { state.withLock { $0.buckets.count } }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
