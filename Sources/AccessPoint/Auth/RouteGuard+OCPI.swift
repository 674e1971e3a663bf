import HTTPServer
import OCPI
import RegistryCore
import Storage

/// The guards of the OCPI modules: a token of the registry's (any role), and an operator writing
/// under the URL's party.
extension RouteGuard where Caller == OCPICaller {
    /// A live token in `Authorization: Token …`, raw or in OCPI 2.2's Base64 (OCPI 2.2.1 §4.1.5:
    /// try both), else `401` in the OCPI envelope. A registration token (token A) opens only the
    /// versions and credentials endpoints (OCPI 2.2.1 §7.1), and only where `registrationAllowed`.
    static func ocpiToken(_ register: PartyRegister, registrationAllowed: Bool = false) -> RouteGuard<OCPICaller> {
        RouteGuard { request, _ in
            guard let secrets = AccessToken.presentedOCPI(in: request) else {
                return .failure(
                    AccessRefusal(
                        response: OCPIResponse.failure(
                            .unauthorized, code: .genericClientError, "a token is needed: Authorization: Token <token>",
                            request)))
            }
            let found: (TokenRecord, String)?
            do { found = try await AccessToken.record(for: secrets, in: register) } catch {
                return .failure(
                    AccessRefusal(
                        response: OCPIResponse.failure(
                            .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                            logging: error)))
            }
            guard let (token, secret) = found else {
                return .failure(
                    AccessRefusal(
                        response: OCPIResponse.failure(
                            .unauthorized, code: .genericClientError, "the token is not valid", request)))
            }
            guard token.purpose == .api || registrationAllowed else {
                return .failure(
                    AccessRefusal(
                        response: OCPIResponse.failure(
                            .unauthorized, code: .genericClientError,
                            "a registration token (token A) opens only the credentials and versions endpoints; "
                                + "register first (POST /ocpi/{version}/credentials) and use the token it returns",
                            request)))
            }
            return .success(OCPICaller(token: token, secret: secret))
        }
    }
}

extension RouteGuard where Caller == DeliveryGrant {
    /// The Receiver's rule for the URL's party `{country_code}/{party_id}` (OCPI 2.2.1 §8.2.2),
    /// under the register's delivery rule (`RegisterSnapshot.writeRefusal`):
    /// - an operator token that may write the party (its own code, or one that authorised it):
    ///   every method while the code is ACTIVE; GET only, of its own codes, otherwise; a code not
    ///   in good standing is `403` naming why;
    /// - an operator token of another party: `404` (a URL party outside the client's roles);
    /// - an office token: GET only (support staff read, never write operators' data);
    /// - a reader token: `403`; no token or an unknown one: `401`.
    static func ocpiOperator(_ store: any Store) -> RouteGuard<DeliveryGrant> {
        let identify = RouteGuard<OCPICaller>.ocpiToken(store.register)
        return RouteGuard { request, parameters in
            guard
                let party = try? PartyCode(
                    countryCode: parameters["country_code"] ?? "", partyID: parameters["party_id"] ?? "")
            else {
                return .failure(
                    AccessRefusal(
                        response: OCPIResponse.failure(
                            .notFound, code: .invalidOrMissingParameters,
                            "\(parameters["country_code"] ?? "")/\(parameters["party_id"] ?? "") is not a party code",
                            request)))
            }
            let token: TokenRecord
            switch await identify.admit(request, parameters) {
            case .success(let caller): token = caller.token
            case .failure(let refusal): return .failure(refusal)
            }
            let register: RegisterSnapshot
            do { register = try await store.register.snapshot() } catch {
                return .failure(
                    AccessRefusal(
                        response: OCPIResponse.failure(
                            .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                            logging: error)))
            }
            func refuse(_ status: HTTPStatus, _ code: OCPIStatus, _ message: String) -> Result<
                DeliveryGrant, AccessRefusal
            > {
                .failure(AccessRefusal(response: OCPIResponse.failure(status, code: code, message, request)))
            }
            switch token.role {
            case .operator:
                let held = Set(token.parties.compactMap { try? PartyCode(parsing: $0) })
                let grant = DeliveryGrant(party: party, scope: .deliverers(held), register: register)
                switch register.writeRefusal(of: party, by: held) {
                case nil: return .success(grant)
                case .notInStanding where request.method == "GET" && held.contains(party): return .success(grant)
                case .notInStanding(let reason)?:
                    return refuse(.forbidden, .invalidOrMissingParameters, "\(DeliveryRefusal.notInStanding(reason))")
                case .notAuthorised?:
                    return refuse(.notFound, .genericClientError, "\(party) is not a party of this token")
                }
            case .office where request.method == "GET":
                return .success(DeliveryGrant(party: party, scope: .office, register: register))
            case .office, .reader:
                return refuse(
                    .forbidden, .genericClientError,
                    "a \(token.role.rawValue) token cannot \(request.method) operators' locations")
            }
        }
    }
}
