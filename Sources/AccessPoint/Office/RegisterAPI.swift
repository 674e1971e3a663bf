import HTTPServer
import JSON
import RegistryCore
import Storage

/// The ID Registration Office over HTTP for everyone but its staff (issue #5): the public
/// register (open data) and applications (submitted by anyone, followed with the application's
/// secret; the guards are `AccessRoutes`'). Private organisation fields appear only on the
/// office's own routes (`OfficeAPI`).
struct RegisterAPI: Sendable {
    let store: any Store
    var register: PartyRegister { store.register }

    /// The public register, open data, behind `open`.
    func registerRoutes(into router: inout HTTPRouter, behind open: RouteGuard<Void>) {
        let api = self
        PublicAPI.publicGet("/api/v1/parties", into: &router, behind: open) { request, _ in
            await api.parties(request, format: nil)
        }
        PublicAPI.publicGet("/api/v1/parties/{code}", into: &router, behind: open) { _, parameters in
            await api.party(parameters["code"]!)
        }
        PublicAPI.publicGet("/opendata/parties.json", into: &router, behind: open) { request, _ in
            await api.parties(request, format: "json")
        }
        PublicAPI.publicGet("/opendata/parties.csv", into: &router, behind: open) { request, _ in
            await api.parties(request, format: "csv")
        }
    }

    /// Applying for a code behind `submit`; following one's own application behind `applicant`.
    func applicationRoutes(
        into router: inout HTTPRouter, submit: RouteGuard<Void>, applicant: RouteGuard<Int64>
    ) {
        let api = self
        router.add("POST", "/api/v1/applications", behind: submit) { request, _, _ in await api.submit(request) }
        router.add("GET", "/api/v1/applications/{id}", behind: applicant) { _, _, id in
            await api.applicantView(id)
        }
        router.add("POST", "/api/v1/applications/{id}/responses", behind: applicant) { request, _, id in
            await api.respond(request, id)
        }
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

    /// The applicant's view of its application, with its operator token the first time it is
    /// seen after approval.
    func applicantView(_ id: Int64) async -> HTTPResponse {
        do {
            guard var application = try await register.application(id) else {
                throw AuthFailure.forbidden(RouteGuard<Int64>.wrongSecret)
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

    func respond(_ request: HTTPRequest, _ id: Int64) async -> HTTPResponse {
        do {
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
        case let failure as AuthFailure: return failure.response
        case let error as RegisterNotFound: return APIError.response(.notFound, "not_found", error.message)
        case let error as RegisterConflict: return APIError.response(.conflict, "conflict", error.message)
        case StoreError.conflict(let message): return APIError.response(.conflict, "conflict", message)
        default: return APIError.storeFailure(error)
        }
    }
}
