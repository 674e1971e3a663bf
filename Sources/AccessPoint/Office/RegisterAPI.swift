import HTTPServer
import JSON
import RegistryCore
import Storage

/// The ID Registration Office over HTTP (issue #5): the public register (open data, no token),
/// applications (no token to submit; a secret to follow one) and the office's own routes (an
/// `office` token). Private organisation fields appear only on office routes.
struct RegisterAPI: Sendable {
    let store: any Store
    var register: PartyRegister { store.register }

    func routes(into router: inout HTTPRouter) {
        let api = self
        PublicAPI.publicGet("/api/v1/parties", into: &router) { request, _ in await api.parties(request, format: nil) }
        PublicAPI.publicGet("/api/v1/parties/{code}", into: &router) { _, parameters in
            await api.party(parameters["code"]!)
        }
        PublicAPI.publicGet("/opendata/parties.json", into: &router) { request, _ in
            await api.parties(request, format: "json")
        }
        PublicAPI.publicGet("/opendata/parties.csv", into: &router) { request, _ in
            await api.parties(request, format: "csv")
        }
        router.add("POST", "/api/v1/applications") { request, _ in await api.submit(request) }
        router.get("/api/v1/applications/{id}") { request, parameters in
            await api.applicantView(request, parameters["id"]!)
        }
        router.add("POST", "/api/v1/applications/{id}/responses") { request, parameters in
            await api.respond(request, parameters["id"]!)
        }
        OfficeAPI(store: store).routes(into: &router)
    }

    func parties(_ request: HTTPRequest, format: String?) async -> HTTPResponse {
        var filter = PartyFilter()
        do {
            let values = try QueryParameters.parse(
                request.query, allowed: ["country", "role", "status", "q", "foreign"])
            if let value = values["country"] {
                guard Country(alpha2: value) != nil else {
                    throw QueryParameters.Problem(message: "country: '\(value)' is not an ISO 3166-1 alpha-2 code")
                }
                filter.country = value.uppercased()
            }
            if let value = values["role"] {
                guard let role = PartyRole(rawValue: value.uppercased()) else {
                    throw QueryParameters.Problem(message: "role: '\(value)' is not CPO or EMSP")
                }
                filter.role = role
            }
            if let value = values["status"] {
                guard value.count <= 20 else {
                    throw QueryParameters.Problem(message: "status: '\(value)' is too long")
                }
                filter.status = value.uppercased()
            }
            if let value = values["q"] {
                guard value.count <= 100 else { throw QueryParameters.Problem(message: "q: at most 100 characters") }
                filter.query = value
            }
            if let value = values["foreign"] {
                guard value == "true" || value == "false" else {
                    throw QueryParameters.Problem(message: "foreign: 'true' or 'false', not '\(value)'")
                }
                filter.includeForeign = value == "true"
            }
        } catch {
            return APIError.response(
                .badRequest, "bad_parameter", (error as? QueryParameters.Problem)?.message ?? "\(error)")
        }
        do {
            let entries = try await register.parties(filter)
            switch format {
            case "csv":
                return HTTPResponse(
                    headers: [
                        "Content-Type": "text/csv; charset=utf-8; header=present",
                        "Content-Disposition": "attachment; filename=\"parties.csv\"",
                    ], body: PartyDocument.csv(entries))
            default: return .json(PartyDocument.list(entries))
            }
        } catch {
            return RegisterAPI.failure(error)
        }
    }

    func party(_ text: String) async -> HTTPResponse {
        do {
            let code = try PartyCode(parsing: text)
            guard let entry = try await register.party(code) else {
                return APIError.response(.notFound, "not_found", "no party \(code) in the register")
            }
            return .json(PartyDocument.json(entry))
        } catch {
            return RegisterAPI.failure(error)
        }
    }

    func submit(_ request: HTTPRequest) async -> HTTPResponse {
        do {
            let json = try RegisterAPI.jsonBody(request)
            let settings = try await register.settings()
            let form = try ApplicationForm.parse(json, countries: settings.countries).get()
            let secret = AccessToken.generate(prefix: "cr_app_")
            let application = try await register.submit(form, secretHash: AccessToken.hash(secret))
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.member("id", Int(application.id))
            writer.member("status", application.status.rawValue)
            writer.member("secret", secret)
            writer.member(
                "secret_note",
                "shown once: send it as 'Authorization: Bearer <secret>' to GET /api/v1/applications/\(application.id)")
            writer.endObject()
            var response = HTTPResponse.json(writer.bytes, status: .created)
            response.headers.set("Location", "/api/v1/applications/\(application.id)")
            return response
        } catch {
            return RegisterAPI.failure(error)
        }
    }

    /// The applicant's view, behind the application's secret. A missing secret is `401`; a wrong
    /// one, or an application that does not exist, the same `403`, so nothing leaks.
    func applicantView(_ request: HTTPRequest, _ idText: String) async -> HTTPResponse {
        do {
            let id = try await authenticateApplicant(request, idText)
            guard var application = try await register.application(id) else {
                throw AuthFailure.forbidden(Self.wrongSecret)
            }
            var token: String?
            if application.status == .approved, application.tokenIssuedAt == nil {
                let secret = AccessToken.generate(prefix: "cr_op_")
                if try await register.issueOperatorToken(forApplication: id, tokenHash: AccessToken.hash(secret)) != nil
                {
                    token = secret
                    application = try await register.application(id) ?? application
                }
            }
            return .json(ApplicationDocument.json(application, forOffice: false, operatorToken: token))
        } catch {
            return RegisterAPI.failure(error)
        }
    }

    func respond(_ request: HTTPRequest, _ idText: String) async -> HTTPResponse {
        do {
            let id = try await authenticateApplicant(request, idText)
            let json = try RegisterAPI.jsonBody(request)
            guard case .string(let message)? = json["message"], !message.isEmpty, message.count <= 4000 else {
                throw FormProblems([FieldProblem("message", "is required: the answer, at most 4000 characters")])
            }
            let application = try await register.respond(id, message: message)
            return .json(ApplicationDocument.json(application, forOffice: false))
        } catch {
            return RegisterAPI.failure(error)
        }
    }

    private func authenticateApplicant(_ request: HTTPRequest, _ idText: String) async throws -> Int64 {
        guard let secret = AccessToken.presented(in: request) else {
            throw AuthFailure.missing("the application's secret")
        }
        guard let id = Int64(idText), let hash = try await register.applicationSecretHash(id),
            AccessToken.matches(secret, storedHash: hash)
        else { throw AuthFailure.forbidden(Self.wrongSecret) }
        return id
    }

    static let wrongSecret = "the secret does not open this application"

    /// A JSON request body, or a `400` naming what is wrong with it.
    static func jsonBody(_ request: HTTPRequest) throws -> JSONValue {
        guard !request.body.isEmpty else { throw FormProblems([FieldProblem("", "the request needs a JSON body")]) }
        do { return try JSONParser.parse(request.body) } catch {
            throw FormProblems([FieldProblem("", "the body is not JSON: \(error)")])
        }
    }

    /// Register errors as HTTP: form problems `400` (all of them), auth `401`/`403`, unknown
    /// `404`, state conflicts `409`, the database `503`.
    static func failure(_ error: any Error) -> HTTPResponse {
        switch error {
        case let problems as FormProblems:
            var writer = JSONWriter(capacity: 256)
            writer.beginObject()
            writer.member("error", "invalid")
            writer.member("message", problems.description)
            writer.key("problems")
            writer.beginArray()
            for problem in problems.problems {
                writer.beginObject()
                writer.member("path", problem.path)
                writer.member("rule", problem.rule)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return .json(writer.bytes, status: .badRequest)
        case let error as PartyCodeError: return APIError.response(.badRequest, "bad_parameter", error.description)
        case let error as ForeignRegisterError: return APIError.response(.badRequest, "invalid", error.description)
        case AuthFailure.missing(let what):
            var response = APIError.response(.unauthorized, "unauthorized", "send \(what) as 'Authorization: Bearer …'")
            response.headers.set("WWW-Authenticate", "Bearer")
            return response
        case AuthFailure.forbidden(let message): return APIError.response(.forbidden, "forbidden", message)
        case let error as RegisterNotFound: return APIError.response(.notFound, "not_found", error.message)
        case let error as RegisterConflict: return APIError.response(.conflict, "conflict", error.message)
        case StoreError.conflict(let message): return APIError.response(.conflict, "conflict", message)
        default: return APIError.storeFailure(error)
        }
    }
}

/// A request without the credential a route needs (`401`), or with one that does not allow it (`403`).
enum AuthFailure: Error {
    case missing(String)
    case forbidden(String)
}
