import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage

/// The public read API under `/api/v1` (issue #4): open data, no token, JSON. Unpublished and
/// removed locations are not shown.
public struct PublicAPI: Sendable {
    public let store: any Store
    /// `sqlite` or `postgresql`, for the health check.
    public let backend: String

    public init(store: any Store, backend: String) {
        self.store = store
        self.backend = backend
    }

    /// The routes, added to `router`.
    public func routes(into router: inout HTTPRouter) {
        let api = self
        router.get("/api/v1/healthz") { _, _ in await api.health() }
        router.get("/api/v1/stats") { _, _ in await api.stats() }
        router.get("/api/v1/locations") { request, _ in await api.locations(request) }
        router.get("/api/v1/evses/{evse_id}") { _, parameters in await api.evse(parameters["evse_id"]!) }
        router.get("/api/v1/locations/{country_code}/{party_id}/{location_id}") { _, parameters in
            await api.location(
                LocationKey(
                    countryCode: parameters["country_code"]!, partyID: parameters["party_id"]!,
                    locationID: parameters["location_id"]!))
        }
    }

    func locations(_ request: HTTPRequest) async -> HTTPResponse {
        let list: LocationListRequest
        do { list = try LocationListRequest(query: request.query) } catch {
            return APIError.response(.badRequest, "bad_parameter", error.message)
        }
        do {
            let page = try await store.listLocations(list.filter, cursor: list.cursor, limit: list.limit)
            let next = page.next.map {
                LocationListRequest.nextTarget(path: request.path, query: request.query, cursor: $0.text)
            }
            return .json(LocationDocument.page(page, limit: list.limit, next: next))
        } catch {
            return APIError.storeFailure(error)
        }
    }

    func evse(_ evseID: String) async -> HTTPResponse {
        let key = EVSEID.lookupKey(evseID)
        do {
            let holders = try await store.locations(withEVSE: key).filter { $0.publish && !$0.removed }
            guard let first = holders.first,
                let body = try LocationDocument.evseJSON(key, in: first, alsoIn: Array(holders.dropFirst()))
            else {
                return APIError.response(.notFound, "not_found", "no published EVSE \(evseID)")
            }
            return .json(body)
        } catch {
            return APIError.storeFailure(error)
        }
    }

    func health() async -> HTTPResponse {
        do {
            _ = try await store.ingestRuns(limit: 1)
            return .json(Array(#"{"status":"ok","database":"\#(backend)"}"#.utf8))
        } catch {
            return APIError.response(.serviceUnavailable, "unavailable", "\(error)")
        }
    }

    func stats() async -> HTTPResponse {
        do {
            return .json(StatsDocument.json(try await store.stats()))
        } catch {
            return APIError.storeFailure(error)
        }
    }

    func location(_ key: LocationKey) async -> HTTPResponse {
        do {
            guard let stored = try await store.location(key), stored.publish, !stored.removed else {
                return APIError.response(.notFound, "not_found", "no published location \(key)")
            }
            return .json(LocationDocument.json(stored))
        } catch {
            return APIError.storeFailure(error)
        }
    }
}
