import HTTPServer
import JSON
import Quality
import RegistryCore
import Storage

/// The quality monitor's public routes (issue #8): the national scorecard, an operator's
/// scorecard with its trend, and one published location's findings. Scorecards come from the
/// latest scan's snapshot (the access point rescans as data arrives and at least hourly); before
/// the first one exists they answer `503` with `Retry-After`: a request never runs a scan. A
/// location is scored live.
struct QualityAPI: Sendable {
    let store: any Store
    let rulebook: QualityRulebook
    let clock: RegistryClock

    func routes(into router: inout HTTPRouter, behind open: RouteGuard<Void>) {
        let api = self
        PublicAPI.publicGet("/api/v1/quality", into: &router, behind: open) { _, _ in
            await api.scorecard(scope: QualitySnapshot.nationalScope)
        }
        PublicAPI.publicGet("/api/v1/quality/operators/{code}", into: &router, behind: open) { _, parameters in
            guard let code = try? PartyCode(parsing: parameters["code"]!) else {
                return APIError.response(
                    .badRequest, "bad_parameter", "'\(parameters["code"]!)' is not a party code such as CL*VLT")
            }
            return await api.scorecard(scope: code.description)
        }
        PublicAPI.publicGet(
            "/api/v1/quality/locations/{country_code}/{party_id}/{location_id}", into: &router, behind: open
        ) {
            _, parameters in
            await api.location(
                LocationKey(
                    countryCode: parameters["country_code"]!, partyID: parameters["party_id"]!,
                    locationID: parameters["location_id"]!))
        }
    }

    func scorecard(scope: String) async -> HTTPResponse {
        do {
            let snapshot = try await store.quality.latest(scope: scope)
            if snapshot == nil, try await store.quality.latest(scope: QualitySnapshot.nationalScope) == nil {
                // A request never scans: the quality monitor's first scan is under way.
                var response = APIError.response(
                    .serviceUnavailable, "not_ready",
                    "no quality scorecard yet: the first scan of the register is running; try again shortly")
                response.headers.set("Retry-After", "30")
                return response
            }
            guard let snapshot else {
                return APIError.response(
                    .notFound, "not_found", "no quality scorecard for \(scope): it has no locations")
            }
            return .json(QualityDocument.withTrend(snapshot.document, try await store.quality.trend(scope: scope)))
        } catch {
            return APIError.storeFailure(error)
        }
    }

    func location(_ key: LocationKey) async -> HTTPResponse {
        do {
            guard let stored = try await store.location(key), stored.publish, !stored.removed else {
                return APIError.response(.notFound, "not_found", "no published location \(key)")
            }
            let location = try CanonicalDocument.location(of: stored)
            let now = clock.now()
            let quality = rulebook.scorer.score(
                location, stored: stored.findingList,
                crossRecord: try await QualityScan(store: store, rulebook: rulebook, clock: clock).crossRecordFindings(
                    of: location
                ).findings,
                receipt: stored.receipt, now: now)
            return .json(QualityDocument(rulebook: rulebook).record(quality, stored: stored, computedAt: now))
        } catch {
            return APIError.storeFailure(error)
        }
    }
}
