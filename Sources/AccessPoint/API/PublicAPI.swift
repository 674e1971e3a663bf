import Foundation
import HTTPServer
import JSON
import RegistryCore
import Schemas
import Storage

/// The public read API under `/api/v1` (issue #4): open data, no token, JSON. Unpublished and
/// removed locations are not shown.
struct PublicAPI: Sendable {
    let store: any Store
    /// `sqlite` or `postgresql`, for the health check.
    let backend: String
    /// The server's request counters, for `/metrics`.
    let metrics: HTTPMetrics

    /// The read API's routes, behind `open`.
    func routes(into router: inout HTTPRouter, behind open: RouteGuard<Void>) {
        let api = self
        Self.publicGet("/api/v1/healthz", into: &router, behind: open) { _, _ in await api.health() }
        Self.publicGet("/api/v1/stats", into: &router, behind: open) { _, _ in await api.stats() }
        router.add("GET", "/api/v1/metrics", behind: open) { _, _, _ in await api.prometheus() }
        Self.publicGet("/api/v1/openapi.json", into: &router, behind: open) { _, _ in
            guard let document = SchemaFiles.openAPI else {
                return APIError.response(.internalServerError, "missing", "the OpenAPI document is not installed")
            }
            return .json(Array(document))
        }
        Self.publicGet("/api/v1/quality/rules", into: &router, behind: open) { _, _ in
            guard let catalogue = SchemaFiles.qualityRules else {
                return APIError.response(.internalServerError, "missing", "the quality rule catalogue is not installed")
            }
            return .json(Array(catalogue))
        }
        Self.publicGet("/api/v1/locations", into: &router, behind: open) { request, _ in await api.locations(request) }
        Self.publicGet("/api/v1/evses/{evse_id}", into: &router, behind: open) { _, parameters in
            await api.evse(parameters["evse_id"]!)
        }
        Self.publicGet("/api/v1/locations/{country_code}/{party_id}/{location_id}", into: &router, behind: open) {
            _, parameters in
            await api.location(
                LocationKey(
                    countryCode: parameters["country_code"]!, partyID: parameters["party_id"]!,
                    locationID: parameters["location_id"]!))
        }
    }

    /// A public GET route that browser map apps on any origin may call (CORS, Fetch standard):
    /// every answer allows any origin, and the preflight `OPTIONS` is answered `204`.
    static func publicGet(
        _ pattern: String, into router: inout HTTPRouter, behind open: RouteGuard<Void>,
        _ handler: @escaping HTTPRouter.Handler
    ) {
        router.add("GET", pattern, behind: open) { request, parameters, _ in
            var response = await handler(request, parameters)
            response.headers.set("Access-Control-Allow-Origin", "*")
            response.headers.set("Access-Control-Expose-Headers", "X-Request-ID, ETag")
            return response
        }
        router.add("OPTIONS", pattern) { _, _ in
            HTTPResponse(
                status: .noContent,
                headers: [
                    "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                    "Access-Control-Allow-Headers": "X-Request-ID, If-None-Match", "Access-Control-Max-Age": "86400",
                ])
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

    /// Prometheus text: the server's request counters and latency histogram, and the register's size.
    func prometheus() async -> HTTPResponse {
        var text = metrics.exposition
        do {
            let stats = try await store.stats(publishedOnly: true)
            text += "# HELP chargereg_locations Locations in the register.\n# TYPE chargereg_locations gauge\n"
            text += "chargereg_locations{state=\"published\"} \(stats.published)\n"
            text += "chargereg_locations{state=\"removed\"} \(stats.removed)\n"
            text += "chargereg_locations{state=\"all\"} \(stats.locations)\n"
            text +=
                "# HELP chargereg_evses EVSEs in the register.\n# TYPE chargereg_evses gauge\nchargereg_evses \(stats.evses)\n"
            text += "# HELP chargereg_connectors Connectors in the register.\n# TYPE chargereg_connectors gauge\n"
            text += "chargereg_connectors \(stats.connectors)\n"
            text +=
                "# HELP chargereg_ingest_runs_total Ingest runs recorded.\n# TYPE chargereg_ingest_runs_total counter\n"
            text += "chargereg_ingest_runs_total \(stats.ingestRuns)\n"
            text += "chargereg_store_up 1\n"
        } catch {
            text += "chargereg_store_up 0\n"
        }
        return HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4"], body: Array(text.utf8))
    }

    func health() async -> HTTPResponse {
        do {
            _ = try await store.ingestRuns(limit: 1)
            return .json(Array(#"{"status":"ok","database":"\#(backend)"}"#.utf8))
        } catch {
            return APIError.storeFailure(error)
        }
    }

    func stats() async -> HTTPResponse {
        do {
            return .json(StatsDocument.json(try await store.stats(publishedOnly: true)))
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
