import RegistryCore

/// The SQL of the location list for both backends: the same conditions, with each backend's
/// placeholders and spatial index (SQLite: the R*Tree `location_geo`; PostgreSQL: GiST on a point).
struct LocationListSQL {
    enum Dialect {
        case sqlite, postgres
    }

    enum Value: CustomStringConvertible {
        case text(String)
        case integer(Int64)
        case real(Double)

        var description: String {
            switch self {
            case .text(let text): "t:" + text
            case .integer(let integer): "i:\(integer)"
            case .real(let real): "r:\(real)"
            }
        }
    }

    let dialect: Dialect
    private(set) var conditions = ["NOT l.removed"]
    private(set) var values: [Value] = []

    /// The columns `StoredLocation` is read from.
    static let columns = """
        l.country_code, l.party_id, l.location_id, l.document, l.publish, l.removed, l.first_seen_at, l.changed_at,
        l.confirmed_at, l.operator_last_updated, l.version, l.source_kind, l.source, l.findings
        """

    init(_ filter: LocationFilter, dialect: Dialect) {
        self.dialect = dialect
        if !filter.includesUnpublished { conditions.append("l.publish") }
        if let country = filter.country { add("l.country = ?", .text(country)) }
        if let party = filter.party {
            add("l.country_code = ? AND l.party_id = ?", .text(party.countryCode), .text(party.partyID))
        }
        if let city = filter.city {
            add(dialect == .sqlite ? "l.city = ? COLLATE NOCASE" : "lower(l.city) = lower(?)", .text(city))
        }
        if let postalCode = filter.postalCode { add("l.postal_code = ?", .text(postalCode)) }
        for box in [filter.boundingBox, filter.near?.boundingBox].compactMap({ $0 }) { within(box) }
        if let standard = filter.connectorStandard {
            add("EXISTS (SELECT 1 FROM connectors c WHERE c.location_id = l.id AND c.standard = ?)", .text(standard))
        }
        if let powerType = filter.powerType {
            add("EXISTS (SELECT 1 FROM connectors c WHERE c.location_id = l.id AND c.power_type = ?)", .text(powerType))
        }
        if let watts = filter.minimumPowerWatts { add("l.max_power_w >= ?", .integer(Int64(watts))) }
        if let status = filter.status {
            add("EXISTS (SELECT 1 FROM evses e WHERE e.location_id = l.id AND e.status = ?)", .text(status))
        }
        if let since = filter.changedSince { add("l.changed_at >= ?", .integer(since.microseconds)) }
    }

    private mutating func add(_ condition: String, _ bound: Value...) {
        conditions.append(condition)
        values += bound
    }

    /// Inside the box: narrowed by the spatial index, then tested exactly.
    private mutating func within(_ box: BoundingBox) {
        let corners: [Value] = [
            .real(box.minLatitude), .real(box.maxLatitude), .real(box.minLongitude), .real(box.maxLongitude),
        ]
        switch dialect {
        case .sqlite:
            conditions.append(
                """
                l.id IN (SELECT id FROM location_geo WHERE max_latitude >= ? AND min_latitude <= ?
                    AND max_longitude >= ? AND min_longitude <= ?)
                """)
            values += corners
        case .postgres:
            conditions.append("point(l.longitude, l.latitude) <@ box(point(?, ?), point(?, ?))")
            values += [
                .real(box.minLongitude), .real(box.minLatitude), .real(box.maxLongitude), .real(box.maxLatitude),
            ]
        }
        add(
            "l.latitude BETWEEN ? AND ? AND l.longitude BETWEEN ? AND ?", corners[0], corners[1], corners[2], corners[3]
        )
    }

    /// Locations after `key` in key order, at most `limit` and one more (which says whether
    /// another page follows).
    func page(after key: LocationKey?, limit: Int) -> (sql: String, values: [Value]) {
        var conditions = conditions
        var values = values
        if let key {
            conditions.append("(l.country_code, l.party_id, l.location_key) > (?, ?, ?)")
            values += [.text(key.countryCode), .text(key.partyID), .text(key.locationID)]
        }
        // The page's ids are chosen first, so that when the matches must be sorted (a bounding box
        // of thousands), the sort carries keys, not documents.
        let sql = """
            SELECT \(Self.columns) FROM locations l WHERE l.id IN (
                SELECT l.id FROM locations l WHERE \(conditions.joined(separator: " AND "))
                ORDER BY l.country_code, l.party_id, l.location_key LIMIT \(min(limit, Int.max - 1) + 1))
            ORDER BY l.country_code, l.party_id, l.location_key
            """
        return (numbered(sql), values)
    }

    /// Every match's id, position and key, without its document (for `near`, which orders by
    /// distance in the caller, then reads the page's rows with `rows(ids:)`).
    var candidates: (sql: String, values: [Value]) {
        let sql = """
            SELECT l.id, l.latitude, l.longitude, l.country_code, l.party_id, l.location_id FROM locations l
            WHERE \(conditions.joined(separator: " AND "))
            """
        return (numbered(sql), values)
    }

    /// The locations with these ids, in no particular order.
    static func rows(ids: [Int64], dialect: Dialect) -> (sql: String, values: [Value]) {
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let sql = "SELECT \(columns) FROM locations l WHERE l.id IN (\(ids.isEmpty ? "NULL" : placeholders))"
        return (numbered(sql, for: dialect), ids.map(Value.integer))
    }

    var count: (sql: String, values: [Value]) {
        (numbered("SELECT count(*) FROM locations l WHERE \(conditions.joined(separator: " AND "))"), values)
    }

    private func numbered(_ sql: String) -> String { Self.numbered(sql, for: dialect) }

    /// PostgreSQL numbers its placeholders.
    static func numbered(_ sql: String, for dialect: Dialect) -> String {
        guard dialect == .postgres else { return sql }
        var result = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
