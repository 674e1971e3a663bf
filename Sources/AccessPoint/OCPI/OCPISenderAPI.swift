import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage

/// The access point's OCPI side for aggregators (issue #6): the versions endpoints and a
/// Locations Sender for 2.1.1, 2.2.1 and 2.3.0 (ocpi.md §3.1, §4.4, §5.1, §7.7).
///
/// Lists are filtered with `date_from`/`date_to` as `[from, to)` on the registry's change time,
/// which is the `last_updated` exported (DESIGN.md), in the stable order (change time, row id).
/// Both are read to the millisecond, the precision of the registry's times and of every
/// DateTime written, so a window edge falls exactly where the written times say.
/// `Link` carries our keyset cursor (`after`) beside `offset`, so following it reads deep pages
/// from the index; a plain `offset` works too. A delta (`date_from`) also carries the locations
/// removed in its window, their EVSEs `REMOVED`. `publish=false` locations are never served.
public struct OCPISenderAPI: Sendable {
    public let store: any Store
    public let settings: AccessPointSettings

    public init(store: any Store, settings: AccessPointSettings) {
        self.store = store
        self.settings = settings
    }

    public static let versions: [OCPIVersion] = [.v2_1_1, .v2_2_1, .v2_3_0]

    /// The versions endpoints behind `versionReaders`, the Locations Sender behind `readers`.
    func routes(
        into router: inout HTTPRouter, versions versionReaders: RouteGuard<Void>, behind readers: RouteGuard<Void>
    ) {
        let api = self
        func get(
            _ pattern: String, behind readers: RouteGuard<Void> = readers,
            _ handler: @escaping @Sendable (HTTPRequest, PathParameters) async -> HTTPResponse
        ) {
            router.add("GET", pattern, behind: readers) { request, parameters, _ in await handler(request, parameters) }
        }
        get("/ocpi/versions", behind: versionReaders) { request, _ in api.versionList(request) }
        get("/ocpi/{version}", behind: versionReaders) { request, parameters in
            guard let version = api.version(parameters) else { return api.unknownVersion(parameters, request) }
            return api.versionDetails(version, request)
        }
        get("/ocpi/{version}/sender/locations") { request, parameters in
            guard let version = api.version(parameters) else { return api.unknownVersion(parameters, request) }
            return await api.list(version, request)
        }
        for pattern in [
            "/ocpi/{version}/sender/locations/{location_id}",
            "/ocpi/{version}/sender/locations/{location_id}/{evse_uid}",
            "/ocpi/{version}/sender/locations/{location_id}/{evse_uid}/{connector_id}",
        ] {
            get(pattern) { request, parameters in
                guard let version = api.version(parameters) else { return api.unknownVersion(parameters, request) }
                return await api.object(version, parameters, request)
            }
        }
    }

    // MARK: Versions (OCPI 2.2.1 §6.1)

    func versionList(_ request: HTTPRequest) -> HTTPResponse {
        var writer = JSONWriter(capacity: 256)
        writer.beginArray()
        for version in Self.versions {
            writer.beginObject()
            writer.member("version", version.rawValue)
            writer.member("url", baseURL(request) + "/ocpi/\(version.rawValue)")
            writer.endObject()
        }
        writer.endArray()
        return OCPIResponse.success(writer.bytes, request)
    }

    /// Only what is served: credentials (required of every party; its role is meaningless and
    /// sent as `SENDER`, ocpi.md §5.1), the Locations Sender, and from 2.2 the Receiver operators
    /// push to (2.1.1 has no interface roles, so it names the Sender only).
    func versionDetails(_ version: OCPIVersion, _ request: HTTPRequest) -> HTTPResponse {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.member("version", version.rawValue)
        writer.key("endpoints")
        writer.beginArray()
        writer.beginObject()
        writer.member("identifier", "credentials")
        if version != .v2_1_1 { writer.member("role", "SENDER") }
        writer.member("url", baseURL(request) + "/ocpi/\(version.rawValue)/credentials")
        writer.endObject()
        writer.beginObject()
        writer.member("identifier", "locations")
        if version != .v2_1_1 { writer.member("role", "SENDER") }
        writer.member("url", baseURL(request) + "/ocpi/\(version.rawValue)/sender/locations")
        writer.endObject()
        if version != .v2_1_1 {
            writer.beginObject()
            writer.member("identifier", "locations")
            writer.member("role", "RECEIVER")
            writer.member("url", baseURL(request) + "/ocpi/\(version.rawValue)/receiver/locations")
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return OCPIResponse.success(writer.bytes, request)
    }

    // MARK: Locations Sender

    /// A list request's parameters, checked.
    struct ListQuery {
        var window = SenderWindow()
        var offset = 0
        var limit: Int
        var cursor: SenderCursor?
    }

    func listQuery(_ request: HTTPRequest) throws(QueryParameters.Problem) -> ListQuery {
        let values = try QueryParameters.parse(
            request.query, allowed: ["date_from", "date_to", "offset", "limit", "after"])
        var query = ListQuery(limit: settings.ocpiMaximumLimit)
        func time(_ name: String) throws(QueryParameters.Problem) -> Timestamp? {
            guard let text = values[name] else { return nil }
            guard let parsed = Timestamp.parse(text) else {
                throw QueryParameters.Problem(
                    message: "\(name): '\(text)' is not an OCPI DateTime such as 2026-01-31T12:00:00Z")
            }
            return parsed.timestamp.truncatedToMilliseconds
        }
        query.window = SenderWindow(from: try time("date_from"), to: try time("date_to"))
        if let text = values["offset"] {
            guard let offset = Int(text), offset >= 0 else {
                throw QueryParameters.Problem(message: "offset: '\(text)' is not a whole number ≥ 0")
            }
            query.offset = offset
        }
        if let text = values["limit"] {
            guard let limit = Int(text), limit >= 1 else {
                throw QueryParameters.Problem(message: "limit: '\(text)' is not a whole number ≥ 1")
            }
            query.limit = min(limit, settings.ocpiMaximumLimit)
        }
        if let text = values["after"] {
            guard let cursor = SenderCursor(text: text) else {
                throw QueryParameters.Problem(message: "after: '\(text)' is not a cursor this Sender issued")
            }
            query.cursor = cursor
        }
        return query
    }

    func list(_ version: OCPIVersion, _ request: HTTPRequest) async -> HTTPResponse {
        let query: ListQuery
        do { query = try listQuery(request) } catch {
            return OCPIResponse.failure(.ok, code: .invalidOrMissingParameters, error.message, request)
        }
        let page: SenderPage
        do {
            page = try await store.senderPage(
                query.window, after: query.cursor, offset: query.offset, limit: query.limit)
        } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                logging: error)
        }
        var data: [UInt8] = [UInt8(ascii: "[")]
        data.reserveCapacity(page.items.count * 2048)
        do {
            for (index, stored) in page.items.enumerated() {
                if index > 0 { data.append(UInt8(ascii: ",")) }
                try Self.write(stored, version, &data)
            }
        } catch {
            return OCPIResponse.failure(
                .internalServerError, code: .genericServerError,
                "the stored location cannot be written in this version", request,
                logging: error)
        }
        data.append(UInt8(ascii: "]"))
        var headers: HTTPHeaders = [
            "X-Total-Count": String(page.total), "X-Limit": String(settings.ocpiMaximumLimit),
        ]
        if let next = page.next {
            // An offset beyond the window is read as its end, so the next one cannot overflow.
            let moved = min(query.offset, page.total) + page.items.count
            headers.set("Link", "<\(nextURL(request, query: query, offset: moved, next: next))>; rel=\"next\"")
        }
        return OCPIResponse.success(data, request, headers: headers)
    }

    /// The next page's absolute URL: every filter kept, `limit` stated, `offset` moved on, and
    /// our cursor for a keyset read.
    func nextURL(_ request: HTTPRequest, query: ListQuery, offset: Int, next: SenderCursor) -> String {
        let kept = request.query.split(separator: "&").filter { pair in
            !["offset", "limit", "after"].contains(
                pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "")
        }.map(String.init)
        let moved = ["limit=\(query.limit)", "offset=\(offset)", "after=\(next.text)"]
        return baseURL(request) + request.path + "?" + (kept + moved).joined(separator: "&")
    }

    /// One stored location as the version's Location, with the registry's timestamps.
    static func write(_ stored: StoredLocation, _ version: OCPIVersion, _ out: inout [UInt8]) throws {
        try CanonicalDocument.write(
            stored, as: version, timestamps: .registry(changedAt: stored.changedAt), to: &out)
    }

    /// `GET …/locations/{location_id}[/{evse_uid}[/{connector_id}]]`. The URL names no party; when
    /// parties share a location id, `OCPI-to-country-code` and `OCPI-to-party-id` (ocpi.md §4.6)
    /// say whose.
    func object(_ version: OCPIVersion, _ parameters: PathParameters, _ request: HTTPRequest) async -> HTTPResponse {
        let locationID = parameters["location_id"]!
        var candidates: [StoredLocation]
        do { candidates = try await store.publishedLocations(withID: locationID) } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                logging: error)
        }
        if let country = request.headers["OCPI-to-country-code"], let party = request.headers["OCPI-to-party-id"] {
            candidates = candidates.filter {
                $0.key.countryCode == country.uppercased() && $0.key.partyID == party.uppercased()
            }
        }
        guard let stored = candidates.first else {
            return OCPIResponse.failure(.notFound, code: .unknownLocation, "unknown Location \(locationID)", request)
        }
        guard candidates.count == 1 else {
            let owners = candidates.map { "\($0.key.countryCode)*\($0.key.partyID)" }.joined(separator: ", ")
            return OCPIResponse.failure(
                .ok, code: .invalidOrMissingParameters,
                "location \(locationID) is published by \(owners); send OCPI-to-country-code and OCPI-to-party-id",
                request)
        }
        var location: [UInt8] = []
        do { try Self.write(stored, version, &location) } catch {
            return OCPIResponse.failure(
                .internalServerError, code: .genericServerError,
                "the stored location cannot be written in this version", request,
                logging: error)
        }
        guard let evseUID = parameters["evse_uid"] else { return OCPIResponse.success(location, request) }
        do {
            let skimmer = JSONSkimmer(location)
            guard let evses = try skimmer.members(["evses"], in: skimmer.root())["evses"],
                let evse = try Self.element(of: evses, named: evseUID, by: "uid", skimmer)
            else {
                return OCPIResponse.failure(
                    .notFound, code: .unknownLocation, "unknown EVSE \(evseUID) of \(locationID)", request)
            }
            guard let connectorID = parameters["connector_id"] else {
                return OCPIResponse.success(Array(location[evse]), request)
            }
            guard let connectors = try skimmer.members(["connectors"], in: evse)["connectors"],
                let connector = try Self.element(of: connectors, named: connectorID, by: "id", skimmer)
            else {
                return OCPIResponse.failure(
                    .notFound, code: .unknownLocation, "unknown Connector \(connectorID) of EVSE \(evseUID)", request)
            }
            return OCPIResponse.success(Array(location[connector]), request)
        } catch {
            return OCPIResponse.failure(
                .internalServerError, code: .genericServerError,
                "the stored location cannot be written in this version", request,
                logging: error)
        }
    }

    /// The element of `array` whose `member` equals `name` without regard to case (CiString).
    static func element(of array: Range<Int>, named name: String, by member: String, _ skimmer: JSONSkimmer) throws
        -> Range<Int>?
    {
        for element in try skimmer.elements(of: array) {
            if let value = try skimmer.members([member], in: element)[member],
                try skimmer.string(at: value)?.uppercased() == name.uppercased()
            {
                return element
            }
        }
        return nil
    }

    // MARK: Helpers

    func version(_ parameters: PathParameters) -> OCPIVersion? {
        OCPIVersion(text: parameters["version"]!).flatMap { Self.versions.contains($0) ? $0 : nil }
    }

    func unknownVersion(_ parameters: PathParameters, _ request: HTTPRequest) -> HTTPResponse {
        OCPIResponse.failure(
            .notFound, code: .unsupportedVersion,
            "unsupported version \(parameters["version"]!); served: "
                + Self.versions.map(\.rawValue).joined(separator: ", "), request)
    }

    func baseURL(_ request: HTTPRequest) -> String { settings.baseURL(request) }
}
