import HTTPServer
import RegistryCore
import Storage

/// The query of `GET /api/v1/locations`, checked: every malformed or unknown parameter is refused
/// with a message naming it and what is allowed.
struct LocationListRequest {
    static let defaultLimit = 100
    static let maximumLimit = 1000
    static let maximumRadiusMeters = 100_000.0

    var filter = LocationFilter()
    var limit = defaultLimit
    var cursor: LocationCursor?

    /// Why a query cannot be served: the parameter and what is wrong.
    struct Problem: Error {
        let message: String
    }

    static let parameters: Set = [
        "country", "party", "city", "postal_code", "bbox", "near", "radius_m", "connector_standard", "power_type",
        "min_power_kw", "status", "changed_since", "limit", "cursor",
    ]

    /// `forDump`: the filters only (a dump has no pages).
    init(query: Substring, forDump: Bool = false) throws(Problem) {
        let values: [String: String]
        let allowed = forDump ? Self.parameters.subtracting(["limit", "cursor"]) : Self.parameters
        do { values = try QueryParameters.parse(query, allowed: allowed) } catch {
            throw Problem(message: error.message)
        }
        func number(_ name: String, _ text: String, _ range: ClosedRange<Double>) throws(Problem) -> Double {
            guard let value = Double(text), value.isFinite, range.contains(value) else {
                throw Problem(
                    message: "\(name): '\(text)' is not a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        func list(_ name: String, _ text: String, _ count: Int) throws(Problem) -> [Substring] {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == count else {
                throw Problem(message: "\(name): '\(text)' needs \(count) comma-separated numbers")
            }
            return parts
        }
        func known<T: RawRepresentable & CaseIterable>(_ name: String, _ text: String, _ type: T.Type) throws(Problem)
            -> String where T.RawValue == String
        {
            let value = text.uppercased()
            guard T.allCases.contains(where: { $0.rawValue == value }) else {
                throw Problem(
                    message: "\(name): '\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }

        if let text = values["country"] {
            guard let country = Country(alpha3: text) ?? Country(alpha2: text) else {
                throw Problem(message: "country: '\(text)' is not an ISO 3166-1 alpha-2 or alpha-3 code")
            }
            filter.country = country.alpha3
        }
        if let text = values["party"] {
            do { filter.party = try PartyCode(parsing: text) } catch {
                throw Problem(message: "party: '\(text)' is not a party code such as CL*ABC")
            }
        }
        filter.city = values["city"].flatMap { $0.isEmpty ? nil : $0 }
        filter.postalCode = values["postal_code"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = values["bbox"] {
            let parts = try list("bbox", text, 4)
            let minLongitude = try number("bbox", String(parts[0]), -180...180)
            let minLatitude = try number("bbox", String(parts[1]), -90...90)
            let maxLongitude = try number("bbox", String(parts[2]), -180...180)
            let maxLatitude = try number("bbox", String(parts[3]), -90...90)
            guard minLongitude <= maxLongitude, minLatitude <= maxLatitude else {
                throw Problem(message: "bbox: '\(text)' must be minLon,minLat,maxLon,maxLat with min ≤ max")
            }
            filter.boundingBox = BoundingBox(
                minLongitude: minLongitude, minLatitude: minLatitude, maxLongitude: maxLongitude,
                maxLatitude: maxLatitude)
        }
        if let text = values["near"] {
            let parts = try list("near", text, 2)
            let radius = try number("radius_m", values["radius_m"] ?? "1000", 1...Self.maximumRadiusMeters)
            filter.near = Circle(
                latitude: try number("near", String(parts[0]), -90...90),
                longitude: try number("near", String(parts[1]), -180...180), radiusMeters: radius)
        } else if values["radius_m"] != nil {
            throw Problem(message: "radius_m needs near=lat,lon")
        }
        if let text = values["connector_standard"] {
            filter.connectorStandard = try known("connector_standard", text, ConnectorType.self)
        }
        if let text = values["power_type"] { filter.powerType = try known("power_type", text, PowerType.self) }
        if let text = values["status"] { filter.status = try known("status", text, EVSEStatus.self) }
        if let text = values["min_power_kw"] {
            filter.minimumPowerWatts = Int((try number("min_power_kw", text, 0...10_000) * 1000).rounded())
        }
        if let text = values["changed_since"] {
            guard let parsed = Timestamp.parse(text) else {
                throw Problem(
                    message: "changed_since: '\(text)' is not an RFC 3339 date-time such as 2026-01-31T12:00:00Z")
            }
            filter.changedSince = parsed.timestamp.truncatedToMilliseconds
        }
        if let text = values["limit"] {
            guard let limit = Int(text), limit >= 1 else {
                throw Problem(message: "limit: '\(text)' is not a whole number from 1 to \(Self.maximumLimit)")
            }
            self.limit = min(limit, Self.maximumLimit)
        }
        if let text = values["cursor"] {
            guard let cursor = LocationCursor(text: text) else {
                throw Problem(message: "cursor: '\(text)' is not one this API issued; use the 'next' of a page")
            }
            switch (cursor, filter.near) {
            case (.after, nil), (.offset, .some): self.cursor = cursor
            default:
                throw Problem(
                    message: "cursor: '\(text)' belongs to a list with \(filter.near == nil ? "" : "no ")near=")
            }
        }
    }

    /// The request target of the next page: the same query with the cursor replaced.
    static func nextTarget(path: Substring, query: Substring, cursor: String) -> String {
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("cursor=") && !$0.isEmpty }
        return path + "?" + (kept.map(String.init) + ["cursor=\(cursor)"]).joined(separator: "&")
    }
}
