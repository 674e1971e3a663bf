import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage

/// The Locations Receiver (issue #7; OCPI 2.2.1 §8.2.2, ocpi.md §3.2, §7.2): operators push their
/// locations, EVSEs and connectors with an operator token bound to their party codes. Who may do
/// what under the URL's party is the guard's (`RouteGuard.ocpiOperator`).
///
/// A PUT of an EVSE or connector under a location we lack is a `404`; when the party has a feed,
/// the location is fetched from its Sender on the scheduler's next round (ocpi.md §7.2).
///
/// Every accepted PUT or PATCH is an ingest run of kind `push`, exactly as a file: findings
/// (the register's too), history, no-op detection. Pushes to one location are applied one at a
/// time, so that two EVSE updates arriving together both survive.
public struct OCPIReceiverAPI: Sendable {
    public let store: any Store
    private let serial = PushSerial()

    public init(store: any Store) { self.store = store }

    static let versions: [OCPIVersion] = [.v2_1_1, .v2_2_1, .v2_3_0]

    /// The routes, each behind `operators`, which decides what the caller may do under the URL's party.
    func routes(into router: inout HTTPRouter, behind operators: RouteGuard<DeliveryGrant>) {
        let api = self
        for suffix in ["", "/{evse_uid}", "/{evse_uid}/{connector_id}"] {
            let pattern = "/ocpi/{version}/receiver/locations/{country_code}/{party_id}/{location_id}" + suffix
            for method in ["GET", "PUT", "PATCH"] {
                router.add(method, pattern, behind: operators) { request, parameters, grant in
                    await api.handle(request, parameters, grant)
                }
            }
        }
    }

    func handle(_ request: HTTPRequest, _ parameters: PathParameters, _ grant: DeliveryGrant) async -> HTTPResponse {
        guard let version = OCPIVersion(text: parameters["version"]!), Self.versions.contains(version) else {
            return OCPIResponse.failure(
                .notFound, code: .unsupportedVersion, "unsupported version \(parameters["version"]!)", request)
        }
        for name in ["location_id", "evse_uid", "connector_id"] {
            if let id = parameters[name], let problem = ObjectID.problem(id) {
                return OCPIResponse.failure(
                    .badRequest, code: .invalidOrMissingParameters, "\(name) in the URL \(problem)", request)
            }
        }
        let party = grant.party
        let key = LocationKey(
            countryCode: party.countryCode, partyID: party.partyID, locationID: parameters["location_id"]!)
        if request.method == "GET" { return await get(version, key, parameters, request) }
        let push = LocationPush(
            method: request.method == "PUT" ? .put : .patch, party: party, locationID: parameters["location_id"]!,
            evseUID: parameters["evse_uid"], connectorID: parameters["connector_id"])
        let body: JSONValue
        do { body = try JSONParser.parse(request.body) } catch {
            return OCPIResponse.failure(
                .badRequest, code: .invalidOrMissingParameters, "the body is not JSON: \(error)", request)
        }
        return await serial.run(key) {
            await self.apply(push, body, version, key, grant.scope, grant.register, request)
        }
    }

    /// The stored location in `version`, with the operator's own timestamps.
    func storedJSON(_ key: LocationKey, _ version: OCPIVersion) async throws -> (StoredLocation, JSONValue)? {
        guard let stored = try await store.location(key), !stored.removed else { return nil }
        var bytes: [UInt8] = []
        try CanonicalDocument.write(stored, as: version, timestamps: .asSent, to: &bytes)
        return (stored, try JSONParser.parse(bytes))
    }

    func get(_ version: OCPIVersion, _ key: LocationKey, _ parameters: PathParameters, _ request: HTTPRequest) async
        -> HTTPResponse
    {
        let found: (StoredLocation, JSONValue)?
        do { found = try await storedJSON(key, version) } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                logging: error)
        }
        guard var object = found?.1 else {
            return OCPIResponse.failure(
                .notFound, code: .unknownLocation, "unknown Location \(key.locationID)", request)
        }
        for (parameter, member, id) in [("evse_uid", "evses", "uid"), ("connector_id", "connectors", "id")] {
            guard let wanted = parameters[parameter] else { break }
            guard case .array(let items)? = object[member],
                let item = items.first(where: {
                    if case .string(let value)? = $0[id] { value.uppercased() == wanted.uppercased() } else { false }
                })
            else {
                return OCPIResponse.failure(
                    .notFound, code: .unknownLocation, "unknown \(parameter) \(wanted)", request)
            }
            object = item
        }
        var writer = JSONWriter(capacity: 2048)
        writer.value(object)
        return OCPIResponse.success(writer.bytes, request)
    }

    /// Merges the push into the stored location and ingests the result as one run of kind `push`
    /// through the same pipeline as files and pulls; once more when the database connection drops
    /// before the run commits.
    func apply(
        _ push: LocationPush, _ body: JSONValue, _ version: OCPIVersion, _ key: LocationKey, _ scope: DeliveryScope,
        _ register: RegisterSnapshot, _ request: HTTPRequest
    ) async -> HTTPResponse {
        do {
            return try await IngestPipeline.retryingOnDisconnect {
                try await applyOnce(push, body, version, key, scope, register, request)
            }
        } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError,
                "the push could not be stored: \(APIError.publicMessage(error))",
                request,
                logging: error)
        }
    }

    private func applyOnce(
        _ push: LocationPush, _ body: JSONValue, _ version: OCPIVersion, _ key: LocationKey, _ scope: DeliveryScope,
        _ register: RegisterSnapshot, _ request: HTTPRequest
    ) async throws -> HTTPResponse {
        let stored = try await storedJSON(key, version)
        let merged: JSONValue
        do { merged = try push.apply(body, to: stored?.1) } catch .invalid(let message) {
            return OCPIResponse.failure(.ok, code: .invalidOrMissingParameters, message, request)
        } catch .unknown(let message) {
            guard stored == nil, push.method == .put else {
                return OCPIResponse.failure(.notFound, code: .unknownLocation, message, request)
            }
            // A child under a location we lack: fetch the location from the operator's Sender.
            let requested = try await store.register.requestLocation(push.locationID, of: push.party)
            return OCPIResponse.failure(
                .notFound, code: .unknownLocation,
                message
                    + (requested
                        ? "; it is fetched from your Sender on the next pull round"
                        : "; PUT the Location first (no Sender of yours is registered to fetch it from)"),
                request)
        }
        var plan = IngestPipeline.Plan(
            start: IngestRunStart(
                kind: .push, source: "\(request.method) \(request.path)", party: push.party,
                ocpiVersion: version.rawValue),
            version: version, scope: scope)
        plan.onlyLocation = key
        let result = try await IngestPipeline.run(plan, store: store, register: register) { pipeline in
            try await pipeline.take([(merged, nil)])
        }
        if let refusal = result.refusals.first {
            return OCPIResponse.failure(.ok, code: .invalidOrMissingParameters, refusal.reason, request)
        }
        return OCPIResponse.success(nil, request, status: result.run.summary.created == 1 ? .created : .ok)
    }
}

/// Runs the pushes to one location one after another (different locations go on together).
actor PushSerial {
    private var busy: [LocationKey: [CheckedContinuation<Void, Never>]] = [:]

    func run<T: Sendable>(_ key: LocationKey, _ body: @Sendable () async -> T) async -> T {
        if busy[key] != nil {
            await withCheckedContinuation { busy[key, default: []].append($0) }
        } else {
            busy[key] = []
        }
        let result = await body()
        if var waiting = busy[key], !waiting.isEmpty {
            let next = waiting.removeFirst()
            busy[key] = waiting
            next.resume()
        } else {
            busy[key] = nil
        }
        return result
    }
}
