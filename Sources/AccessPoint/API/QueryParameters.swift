import HTTPServer

/// A query string's parameters, decoded (RFC 3986 §2.1, `+` as space) and checked against the
/// names a route allows: an unknown, repeated or malformed parameter is a `400` naming it.
enum QueryParameters {
    struct Problem: Error {
        let message: String
    }

    static func parse(_ query: Substring, allowed: Set<String>) throws(Problem) -> [String: String] {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusAsSpace: true),
                let value = PercentDecoding.decode(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
            else { throw Problem(message: "the query string has a malformed %-escape") }
            guard allowed.contains(name) else {
                throw Problem(
                    message: "unknown parameter '\(name)'; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else { throw Problem(message: "parameter '\(name)' is given twice") }
            values[name] = value
        }
        return values
    }
}
