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

/// A row of the location list as a backend read it.
struct ListRow {
    let location: StoredLocation
    let latitude: Double?
    let longitude: Double?
}

extension LocationListSQL {
    /// One page, with the backend's `rows` and `count` runners: key order with a keyset cursor,
    /// or, for `near`, every candidate in the circle's box measured, filtered and sorted by
    /// distance with an offset cursor.
    static func page(
        _ filter: LocationFilter, cursor: LocationCursor?, limit: Int, dialect: Dialect, totals: ListTotals,
        rows: (String, [Value]) throws(StoreError) -> [ListRow], count: (String, [Value]) throws(StoreError) -> Int
    ) throws(StoreError) -> LocationPage {
        let sql = LocationListSQL(filter, dialect: dialect)
        let after: LocationKey?
        switch (filter.near, cursor) {
        case (let circle?, nil), (let circle?, .offset?):
            var offset = 0
            if case .offset(let start) = cursor { offset = start }
            let all = try rows(sql.all.sql, sql.all.values).compactMap { row -> ListedLocation? in
                guard let latitude = row.latitude, let longitude = row.longitude else { return nil }
                let distance = circle.distance(latitude: latitude, longitude: longitude)
                guard distance <= circle.radiusMeters else { return nil }
                return ListedLocation(location: row.location, distanceMeters: distance)
            }.sorted {
                ($0.distanceMeters!, $0.location.key.description) < ($1.distanceMeters!, $1.location.key.description)
            }
            let start = min(offset, all.count)
            let end = min(all.count, start + limit)
            return LocationPage(
                items: Array(all[start..<end]), total: all.count,
                next: end < all.count ? LocationCursor.offset(end) : nil)
        case (nil, .after(let key)?): after = key
        case (nil, nil): after = nil
        default:
            throw StoreError.query(
                "a \(filter.near == nil ? "nearest-first" : "key-order") cursor for the other kind of list")
        }
        let page = sql.page(after: after, limit: limit)
        let items = try rows(page.sql, page.values).map { ListedLocation(location: $0.location, distanceMeters: nil) }
        let counting = sql.count
        let total = try totals.total(for: counting.sql + "\u{1F}" + "\(counting.values)") { () throws(StoreError) in
            try count(counting.sql, counting.values)
        }
        let next = items.count == limit ? items.last.map { LocationCursor.after($0.location.key) } : nil
        return LocationPage(items: items, total: total, next: next)
    }
}
