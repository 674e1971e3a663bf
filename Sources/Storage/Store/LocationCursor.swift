import RegistryCore

/// Where a page of the location list continues: after a key (key order) or at an offset (nearest
/// first). Opaque to clients: hex, so it travels in a URL as it is.
public enum LocationCursor: Sendable, Equatable {
    case after(LocationKey)
    case offset(Int)

    public var text: String {
        switch self {
        case .after(let key):
            let raw = Array([key.countryCode, key.partyID, key.locationID].joined(separator: "\u{1F}").utf8)
            return "k" + raw.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        case .offset(let offset): return "o\(offset)"
        }
    }

    /// nil for anything this API did not issue.
    public init?(text: String) {
        if text.hasPrefix("o"), let offset = Int(text.dropFirst()), offset >= 0 {
            self = .offset(offset)
            return
        }
        guard text.hasPrefix("k"), text.utf8.count % 2 == 1 else { return nil }
        var bytes: [UInt8] = []
        var digits = text.utf8.dropFirst().makeIterator()
        while let high = digits.next(), let low = digits.next() {
            guard let byte = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        guard let joined = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self = .after(
            LocationKey(countryCode: String(parts[0]), partyID: String(parts[1]), locationID: String(parts[2])))
    }
}

/// A match of a `near` list before its distance is known: what ordering by distance needs.
struct ListCandidate {
    let id: Int64
    let latitude: Double?
    let longitude: Double?
    let key: LocationKey
}

extension LocationListSQL {
    /// One page, with the backend's `rows`, `candidates` and `count` runners: key order with a
    /// keyset cursor, or, for `near`, every candidate in the circle's box measured, filtered and
    /// sorted by distance with an offset cursor, and only the page's rows read in full.
    static func page(
        _ filter: LocationFilter, cursor: LocationCursor?, limit: Int, dialect: Dialect, totals: ListTotals,
        rows: (String, [Value]) throws(StoreError) -> [StoredLocation],
        candidates: (String, [Value]) throws(StoreError) -> [ListCandidate],
        count: (String, [Value]) throws(StoreError) -> Int
    ) throws(StoreError) -> LocationPage {
        let limit = max(1, limit)
        let sql = LocationListSQL(filter, dialect: dialect)
        let after: LocationKey?
        switch (filter.near, cursor) {
        case (let circle?, nil), (let circle?, .offset?):
            var offset = 0
            if case .offset(let start) = cursor { offset = start }
            let inCircle = try candidates(sql.candidates.sql, sql.candidates.values).compactMap {
                candidate -> (candidate: ListCandidate, distance: Double, key: String)? in
                guard let latitude = candidate.latitude, let longitude = candidate.longitude else { return nil }
                let distance = circle.distance(latitude: latitude, longitude: longitude)
                guard distance <= circle.radiusMeters else { return nil }
                return (candidate, distance, candidate.key.description)
            }.sorted { ($0.distance, $0.key) < ($1.distance, $1.key) }
            let start = min(offset, inCircle.count)
            let end = start + min(limit, inCircle.count - start)
            let chosen = inCircle[start..<end]
            let read = Self.rows(ids: chosen.map(\.candidate.id), dialect: dialect)
            let byKey = Dictionary(
                try rows(read.sql, read.values).map { ($0.key.description, $0) },
                uniquingKeysWith: { first, _ in first })
            return LocationPage(
                items: chosen.compactMap { match in
                    byKey[match.key].map { ListedLocation(location: $0, distanceMeters: match.distance) }
                },
                total: inCircle.count, next: end < inCircle.count ? LocationCursor.offset(end) : nil)
        case (nil, .after(let key)?): after = key
        case (nil, nil): after = nil
        default:
            throw StoreError.query(
                "a \(filter.near == nil ? "nearest-first" : "key-order") cursor for the other kind of list")
        }
        let page = sql.page(after: after, limit: limit)
        var items = try rows(page.sql, page.values).map { ListedLocation(location: $0, distanceMeters: nil) }
        let more = items.count > limit
        if more { items.removeLast(items.count - limit) }
        let total = try totals.total(sql.count.sql, sql.count.values, count: count)
        let next = more ? items.last.map { LocationCursor.after($0.location.key) } : nil
        return LocationPage(items: items, total: total, next: next)
    }
}
