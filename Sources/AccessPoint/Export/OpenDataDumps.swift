import Foundation
import HTTPServer
import Hashing
import RegistryCore
import Storage

/// `GET /opendata/locations.json|.csv|.geojson` (issue #6): the dumps of `LocationDump`, with the
/// read API's filters, streamed. Each says when it was generated and under which licence
/// (`X-Generated-At`, `X-Licence`; the GeoJSON also in its body) and carries a weak `ETag` made
/// of the published data's state, so that mirrors send `If-None-Match` and get `304` until
/// something changed.
struct OpenDataDumps: Sendable {
    let store: any Store
    let settings: AccessPointSettings

    func routes(into router: inout HTTPRouter, behind open: RouteGuard<Void>) {
        let dumps = self
        for (suffix, format) in [("json", LocationDump.Format.ocpi), ("csv", .csv), ("geojson", .geojson)] {
            PublicAPI.publicGet("/opendata/locations.\(suffix)", into: &router, behind: open) { request, _ in
                await dumps.dump(format, request)
            }
        }
    }

    func dump(_ format: LocationDump.Format, _ request: HTTPRequest) async -> HTTPResponse {
        let filter: LocationFilter
        do { filter = try LocationListRequest(query: request.query, forDump: true).filter } catch {
            return APIError.response(.badRequest, "bad_parameter", error.message)
        }
        let state: PublishedState
        do { state = try await store.publishedState() } catch { return APIError.storeFailure(error) }
        let identity = [
            format.rawValue, String(request.query), String(state.count), state.lastChange?.description ?? "-",
            settings.licence,
        ].joined(separator: "\u{1F}")
        let tag = "W/\"" + SHA256.hex(SHA256.hash(Array(identity.utf8))).prefix(32) + "\""
        if let condition = request.headers["If-None-Match"],
            condition.split(separator: ",").contains(where: {
                let candidate = $0.trimmingCharacters(in: .whitespaces)
                return candidate == "*" || candidate == tag || "W/" + candidate == tag
            })
        {
            return HTTPResponse(status: .notModified, headers: ["ETag": tag])
        }
        let generatedAt = RegistryClock.system.now()
        let dump = LocationDump(
            store: store, format: format, filter: filter, licence: settings.licence, generatedAt: generatedAt)
        return .streamed(
            headers: [
                "Content-Type": format.contentType, "ETag": tag, "X-Generated-At": generatedAt.description,
                "X-Licence": settings.licence, "Cache-Control": "public, max-age=60",
            ]
        ) { writer in try await dump.write(to: writer) }
    }
}
