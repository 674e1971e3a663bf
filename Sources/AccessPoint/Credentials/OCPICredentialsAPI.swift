import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage

/// The credentials endpoint, `/ocpi/{version}/credentials` (OCPI 2.2.1 §7, 2.1.1 §7; ocpi.md
/// §5.2, §5.3): how an operator registers with the access point, using the token A the office
/// issued for its approved codes (`chargereg token create --registration`).
///
/// - `POST` with token A: the operator's roles must match the register; we call its versions and
///   details back with its token B (`3001` when that fails, `3003` without a credentials endpoint),
///   then answer our credentials with a new token C, bound to the codes of its roles. Token A is
///   used up: a second POST gets `405`.
/// - `PUT` with a registered peer's token: the same checks and callback, a new token, the old one
///   revoked. `DELETE` ends the registration. Both are `405` for a token that is not registered.
/// - `GET`: our credentials, with the token the caller used.
///
/// A peer with a Locations Sender and a `CPO` role gets a feed, so `serve` starts pulling it.
public struct OCPICredentialsAPI: Sendable {
    public let store: any Store
    public let settings: AccessPointSettings

    public init(store: any Store, settings: AccessPointSettings) {
        self.store = store
        self.settings = settings
    }

    /// The routes, behind `tokens`: a registration token (token A) registers, a peer's token
    /// reads, updates or ends its registration.
    func routes(into router: inout HTTPRouter, behind tokens: RouteGuard<OCPICaller>) {
        let api = self
        for method in ["GET", "POST", "PUT", "DELETE"] {
            router.add(method, "/ocpi/{version}/credentials", behind: tokens) { request, parameters, caller in
                await api.handle(request, parameters, caller)
            }
        }
    }

    func handle(_ request: HTTPRequest, _ parameters: PathParameters, _ caller: OCPICaller) async -> HTTPResponse {
        guard let version = OCPIVersion(text: parameters["version"]!), OCPISenderAPI.versions.contains(version) else {
            return OCPIResponse.failure(
                .notFound, code: .unsupportedVersion, "unsupported version \(parameters["version"]!)", request)
        }
        let handshake = CredentialsHandshake(
            register: store.register, ourVersionsURL: settings.baseURL(request) + "/ocpi/versions")
        let peer: OCPIPeer?
        do { peer = try await store.register.peer(calling: caller.token.id) } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                logging: error)
        }
        if request.method == "DELETE" {
            guard let peer else {
                return OCPIResponse.failure(.methodNotAllowed, code: .genericClientError, "not registered", request)
            }
            do { try await store.register.unregisterPeer(peer.id, actor: "ocpi:\(peer.businessName)") } catch {
                return OCPIResponse.failure(
                    .serviceUnavailable, code: .genericServerError, "the register cannot be written now", request,
                    logging: error)
            }
            return OCPIResponse.success(nil, request)
        }
        let ours: OCPICredentials.Role
        do { ours = try await handshake.ourRole() } catch {
            return OCPIResponse.failure(.ok, code: .genericServerError, "\(error)", request)
        }
        switch request.method {
        case "GET":
            let credentials = OCPICredentials(token: caller.secret, url: handshake.ourVersionsURL, roles: [ours])
            return OCPIResponse.success(credentials.json(version: version), request)
        case "POST":
            guard caller.token.purpose == .registration else {
                return OCPIResponse.failure(
                    .methodNotAllowed, code: .genericClientError,
                    peer == nil
                        ? "registering needs a registration token (token A) from the office"
                        : "already registered: PUT updates the credentials, DELETE ends the registration", request)
            }
            return await register(version, caller, ours, handshake, replacing: nil, request)
        default:
            guard let peer else {
                return OCPIResponse.failure(
                    .methodNotAllowed, code: .genericClientError, "not registered: POST registers", request)
            }
            return await register(version, caller, ours, handshake, replacing: peer, request)
        }
    }

    /// POST and PUT: the peer's credentials checked, its endpoints read back with its token, and
    /// ours answered with a new token.
    func register(
        _ version: OCPIVersion, _ caller: OCPICaller, _ ours: OCPICredentials.Role, _ handshake: CredentialsHandshake,
        replacing peer: OCPIPeer?, _ request: HTTPRequest
    ) async -> HTTPResponse {
        /// A refused registration: with a token A, recorded for the office, and the token burnt
        /// at the fifth (`PartyRegister.recordFailedRegistration`).
        func failed(_ code: OCPIStatus, _ message: String, reason: String? = nil, logging error: (any Error)? = nil)
            async
            -> HTTPResponse
        {
            var message = message
            if peer == nil, caller.token.purpose == .registration,
                (try? await store.register.recordFailedRegistration(
                    token: caller.token.id, reason: "\(code.rawValue): \(reason ?? message)")) == true
            {
                message += "; that was the last registration this token A allows: ask the office for a new one"
            }
            return OCPIResponse.failure(.ok, code: code, message, request, logging: error)
        }
        let theirs: OCPICredentials
        do {
            theirs = try OCPICredentials.parse(try JSONParser.parse(request.body), version: version)
        } catch let error as CredentialsProblem {
            return await failed(.invalidOrMissingParameters, "credentials: \(error)")
        } catch {
            return await failed(.invalidOrMissingParameters, "the body is not JSON: \(error)")
        }
        let allowed = caller.token.parties.compactMap { try? PartyCode(parsing: $0) }
        do {
            let problems = try await CredentialsHandshake.roleProblems(
                theirs.roles, allowed: allowed, register: store.register)
            guard problems.isEmpty else {
                return await failed(
                    .invalidOrMissingParameters,
                    "your roles do not match the register: " + problems.joined(separator: "; "))
            }
        } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                logging: error)
        }
        var client = OCPIClient(token: theirs.token)
        client.outbound = settings.outbound
        client.timeout = handshake.timeout
        client.retries = 1
        client.base64Token = version != .v2_1_1
        let details: OCPIVersionDetails
        do { details = try await CredentialsHandshake.details(theirs.url, client: &client, version: version) } catch {
            // One answer whatever went wrong, so that the handshake tells nothing of the hosts and
            // ports it was pointed at (no open-or-closed, no echo of what answered); the reason is
            // in the access log.
            return await failed(
                .unableToUseClientAPI,
                "cannot read the versions at the url you sent with the token you sent; it must be your versions endpoint, over http or https",
                reason: "\(error)", logging: error)
        }
        guard let credentialsURL = details.url(of: "credentials") else {
            return await failed(.noMatchingEndpoints, "\(theirs.url) \(version.rawValue) lists no credentials endpoint")
        }
        // The endpoints are called later (pulls of the Sender): each must be one the policy allows.
        for endpoint in details.endpoints {
            if let refusal = await settings.outbound.refusal(of: endpoint.url) {
                // The peer is not told what its host resolved to, nor which networks are refused.
                return await failed(
                    .unableToUseClientAPI, "your \(endpoint.identifier) endpoint is not one this access point calls",
                    reason: refusal)
            }
        }
        let token = AccessToken.generateOCPI()
        let endpoints = PeerEndpoints(theirs, credentialsURL: credentialsURL, details: details)
        do {
            _ = try await store.register.savePeer(
                endpoints, direction: peer?.direction ?? .inbound,
                token: .issue(hash: AccessToken.hash(token), parties: Array(Set(theirs.roles.map(\.party))).sorted()),
                consuming: peer == nil ? caller.token.id : nil, replacing: peer, actor: "ocpi:\(endpoints.businessName)"
            )
        } catch let error as RegisterConflict {
            return OCPIResponse.failure(.methodNotAllowed, code: .genericClientError, "\(error)", request)
        } catch let error as RegisterNotFound {
            return OCPIResponse.failure(.methodNotAllowed, code: .genericClientError, "\(error)", request)
        } catch {
            return OCPIResponse.failure(
                .serviceUnavailable, code: .genericServerError, "the register cannot be written now", request,
                logging: error)
        }
        let answer = OCPICredentials(token: token, url: handshake.ourVersionsURL, roles: [ours])
        return OCPIResponse.success(answer.json(version: version), request)
    }
}
