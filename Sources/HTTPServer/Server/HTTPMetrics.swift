import Synchronization

/// Request counts by route and status and a latency histogram, for a Prometheus `/metrics`
/// page (text exposition format 0.0.4). Shared by the event loops; cheap to record.
public final class HTTPMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let bucketBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
    ]

    private struct State {
        var requests: [String: Int] = [:]
        var buckets = [Int](repeating: 0, count: HTTPMetrics.bucketBounds.count + 1)
        var count = 0
        var sum = 0.0
    }

    private let state = Mutex(State())

    public init() {}

    /// The methods of RFC 9110 §9 and RFC 5789 (`PATCH`); any other is counted as `OTHER`, so
    /// that a client cannot add series (the route is a pattern or `(unrouted)`, never a path).
    static let knownMethods: Set = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]

    func record(route: String, method: String, status: Int, seconds: Double) {
        let method = Self.knownMethods.contains(method) ? method : "OTHER"
        let key = #"route="\#(route)",method="\#(method)",status="\#(status)""#
        let bucket = Self.bucketBounds.firstIndex { seconds <= $0 } ?? Self.bucketBounds.count
        state.withLock { state in
            state.requests[key, default: 0] += 1
            state.buckets[bucket] += 1
            state.count += 1
            state.sum += seconds
        }
    }

    /// The metrics in Prometheus text format.
    public var exposition: String {
        let state = state.withLock { $0 }
        var text = "# HELP chargereg_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
        text += "# TYPE chargereg_http_requests_total counter\n"
        for (labels, count) in state.requests.sorted(by: { $0.key < $1.key }) {
            text += "chargereg_http_requests_total{\(labels)} \(count)\n"
        }
        text += "# HELP chargereg_http_request_duration_seconds Time from a complete request to its response.\n"
        text += "# TYPE chargereg_http_request_duration_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in Self.bucketBounds.enumerated() {
            cumulative += state.buckets[index]
            text += "chargereg_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        text += "chargereg_http_request_duration_seconds_bucket{le=\"+Inf\"} \(state.count)\n"
        text += "chargereg_http_request_duration_seconds_sum \(state.sum)\n"
        text += "chargereg_http_request_duration_seconds_count \(state.count)\n"
        return text
    }
}
