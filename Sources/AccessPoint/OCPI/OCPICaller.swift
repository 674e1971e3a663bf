import HTTPServer
import Storage

/// Who calls an OCPI endpoint: the live token the request presents and the secret as it matched
/// (ocpi.md §4.3, §7.10: raw or Base64, a `401` with an envelope otherwise). A registration
/// token (token A) opens only the credentials and versions endpoints (ocpi.md §5.3).
struct OCPICaller: Sendable {
    let token: TokenRecord
    let secret: String

    /// The refusal to answer instead of the request.
    struct Refusal: Error {
        let response: HTTPResponse
    }

    static func identify(_ request: HTTPRequest, in register: PartyRegister, registrationAllowed: Bool = false)
        async throws(Refusal) -> OCPICaller
    {
        guard let secrets = AccessToken.presentedOCPI(in: request) else {
            throw Refusal(
                response: OCPIResponse.failure(
                    .unauthorized, code: .genericClientError, "a token is needed: Authorization: Token <token>", request
                ))
        }
        let found: (TokenRecord, String)?
        do { found = try await AccessToken.record(for: secrets, in: register) } catch {
            throw Refusal(
                response: OCPIResponse.failure(
                    .serviceUnavailable, code: .genericServerError, "the register cannot be read now", request,
                    logging: error))
        }
        guard let (token, secret) = found else {
            throw Refusal(
                response: OCPIResponse.failure(
                    .unauthorized, code: .genericClientError, "the token is not valid", request))
        }
        guard token.purpose == .api || registrationAllowed else {
            throw Refusal(
                response: OCPIResponse.failure(
                    .unauthorized, code: .genericClientError,
                    "a registration token (token A) opens only the credentials and versions endpoints; "
                        + "register first (POST /ocpi/{version}/credentials) and use the token it returns", request))
        }
        return OCPICaller(token: token, secret: secret)
    }
}
