import HTTPServer
import JSON
import RegistryCore
import Storage

/// The office's routes under `/api/v1/office`, each behind the office's guard: the ID
/// registration organisation's staff (AFIR Art. 20(1)) approve, suspend, revoke, issue tokens. Every action lands in the audit log with the
/// token's id and label as the actor.
struct OfficeAPI: Sendable {
    let store: any Store
    var register: PartyRegister { store.register }

    /// The routes, each behind `staff`, which hands the handler the actor's name.
    func routes(into router: inout HTTPRouter, behind staff: RouteGuard<String>) {
        let api = self
        func office(
            _ method: String, _ pattern: String,
            _ handler: @escaping @Sendable (HTTPRequest, PathParameters, String) async throws -> HTTPResponse
        ) {
            router.add(method, pattern, behind: staff) { request, parameters, actor in
                do { return try await handler(request, parameters, actor) } catch { return RegisterAPI.failure(error) }
            }
        }
        office("GET", "/api/v1/office/applications") { request, _, _ in
            let values = try Self.query(request, ["status"])
            var status: ApplicationStatus?
            if let text = values["status"] {
                guard let parsed = ApplicationStatus(rawValue: text.uppercased()) else {
                    throw FormProblems([
                        FieldProblem(
                            "status", "one of \(ApplicationStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    ])
                }
                status = parsed
            }
            return .json(ApplicationDocument.list(try await api.register.applications(status: status)))
        }
        office("GET", "/api/v1/office/applications/{id}") { _, parameters, _ in
            guard let id = Int64(parameters["id"]!), let application = try await api.register.application(id) else {
                throw RegisterNotFound("no application \(parameters["id"]!)")
            }
            return .json(ApplicationDocument.json(application, forOffice: true))
        }
        office("POST", "/api/v1/office/applications/{id}/{action}") { request, parameters, actor in
            guard let id = Int64(parameters["id"]!) else {
                throw RegisterNotFound("no application \(parameters["id"]!)")
            }
            guard let action = ApplicationAction(rawValue: parameters["action"]!), action != .respond else {
                throw RegisterNotFound(
                    "no application action '\(parameters["action"]!)'; allowed: review, request-info, approve, reject")
            }
            let body = try Self.optionalBody(request)
            let assign = try Self.text(body, "code").map { text in
                do { return try PartyCode(parsing: text) } catch {
                    throw FormProblems([FieldProblem("code", "\(error)")])
                }
            }
            var transfer = false
            if let value = body["transfer"], !value.isNull {
                guard case .bool(let flag) = value else {
                    throw FormProblems([FieldProblem("transfer", "must be true or false")])
                }
                transfer = flag
            }
            let application = try await api.register.decide(
                id, action, reason: try Self.text(body, "reason"), assign: assign, transfer: transfer, actor: actor)
            return .json(ApplicationDocument.json(application, forOffice: true))
        }
        office("POST", "/api/v1/office/codes/{code}/{action}") { request, parameters, actor in
            let code = try PartyCode(parsing: parameters["code"]!)
            guard let action = CodeAction(rawValue: parameters["action"]!) else {
                throw RegisterNotFound(
                    "no code action '\(parameters["action"]!)'; allowed: \(CodeAction.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            let body = try Self.optionalBody(request)
            var target: Int64?
            if let value = body["organisation_id"], !value.isNull {
                guard case .number(let number) = value, let id = number.intValue else {
                    throw FormProblems([
                        FieldProblem("organisation_id", "must be a whole number (the organisation's id)")
                    ])
                }
                target = Int64(id)
            }
            let entry = try await api.register.change(
                code, action, reason: try Self.text(body, "reason") ?? "", toOrganisation: target, actor: actor)
            return .json(PartyDocument.json(entry))
        }
        office("POST", "/api/v1/office/authorisations") { request, _, actor in
            let body = try RegisterAPI.jsonBody(request)
            var problems: [FieldProblem] = []
            var codes: [String: PartyCode] = [:]
            for name in ["holder", "authorised"] {
                guard let text = try Self.text(body, name) else {
                    problems.append(FieldProblem(name, "is required: a party code such as CL*ABC"))
                    continue
                }
                do { codes[name] = try PartyCode(parsing: text) } catch {
                    problems.append(FieldProblem(name, "\(error)"))
                }
            }
            var allow = true
            switch body["allow"] {
            case nil, .null?: break
            case .bool(let value)?: allow = value
            default: problems.append(FieldProblem("allow", "must be true or false"))
            }
            guard problems.isEmpty, let holder = codes["holder"], let authorised = codes["authorised"] else {
                throw FormProblems(problems)
            }
            try await api.register.authorise(authorised, under: holder, allow: allow, actor: actor)
            return HTTPResponse(status: .noContent)
        }
        office("POST", "/api/v1/office/foreign-registers") { request, _, actor in
            let values = try Self.query(request, ["source"])
            guard let source = values["source"], !source.isEmpty, source.count <= 200 else {
                throw FormProblems([
                    FieldProblem("source", "name the register imported (?source=…), at most 200 characters")
                ])
            }
            let parties = try ForeignRegisterFile.parse(request.body)
            let summary = try await api.register.importForeign(parties, source: source, actor: actor)
            var writer = JSONWriter(capacity: 128)
            writer.beginObject()
            writer.member("created", summary.created)
            writer.member("updated", summary.updated)
            writer.member("unchanged", summary.unchanged)
            writer.endObject()
            return .json(writer.bytes)
        }
        office("GET", "/api/v1/parties/{code}/ingest-runs") { request, parameters, _ in
            let values = try Self.query(request, ["limit"])
            let limit = try Self.limit(values, default: 50)
            guard let party = try? PartyCode(parsing: parameters["code"]!) else {
                throw FormProblems([FieldProblem("code", "'\(parameters["code"]!)' is not a party code such as CL*ABC")]
                )
            }
            let runs = try await api.store.ingestRuns(limit: limit, party: party)
            let feed = try await api.register.feed(of: party)
            return .json(IngestRunDocument.json(runs, feed: feed))
        }
        office("GET", "/api/v1/office/audit") { request, _, _ in
            let values = try Self.query(request, ["subject", "limit"])
            let limit = try Self.limit(values, default: 100)
            let events = try await api.register.auditLog(subject: values["subject"], limit: limit)
            var writer = JSONWriter(capacity: 256 + events.count * 200)
            writer.beginObject()
            writer.key("events")
            writer.beginArray()
            for event in events {
                writer.beginObject()
                writer.member("id", Int(event.id))
                writer.member("at", event.at.description)
                writer.member("actor", event.actor)
                writer.member("action", event.action)
                writer.member("subject", event.subject)
                writer.member("reason", event.reason)
                writer.member("detail", event.detail)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return .json(writer.bytes)
        }
        office("GET", "/api/v1/office/tokens") { _, _, _ in
            .json(TokenDocument.list(try await api.register.tokens()))
        }
        office("POST", "/api/v1/office/tokens") { request, _, actor in
            let body = try RegisterAPI.jsonBody(request)
            guard let roleText = try Self.text(body, "role"), let role = TokenRole(rawValue: roleText) else {
                throw FormProblems([FieldProblem("role", "office, operator or reader")])
            }
            var parties: [PartyCode] = []
            switch body["parties"] {
            case nil, .null?: break
            case .array(let items)?:
                for (index, item) in items.enumerated() {
                    guard case .string(let text) = item, let code = try? PartyCode(parsing: text) else {
                        throw FormProblems([FieldProblem("parties[\(index)]", "a party code such as CL*ABC")])
                    }
                    parties.append(code)
                }
            default: throw FormProblems([FieldProblem("parties", "must be an array of party codes")])
            }
            var purpose = TokenPurpose.api
            if let text = try Self.text(body, "purpose") {
                guard let parsed = TokenPurpose(rawValue: text) else {
                    throw FormProblems([FieldProblem("purpose", "api, or registration (OCPI token A)")])
                }
                purpose = parsed
            }
            let secret = AccessToken.generate(prefix: "cr_\(role.rawValue)_")
            let token = try await api.register.createToken(
                hash: AccessToken.hash(secret), role: role, purpose: purpose, parties: parties,
                label: try Self.text(body, "label") ?? role.rawValue,
                actor: actor)
            return .json(TokenDocument.created(token, secret: secret), status: .created)
        }
        office("DELETE", "/api/v1/office/tokens/{id}") { _, parameters, actor in
            guard let id = Int64(parameters["id"]!) else { throw RegisterNotFound("no token \(parameters["id"]!)") }
            try await api.register.revokeToken(id, actor: actor)
            return HTTPResponse(status: .noContent)
        }
    }

    /// The `limit` parameter: 1 to 1000, or `fallback` when absent.
    private static func limit(_ values: [String: String], default fallback: Int) throws -> Int {
        guard let text = values["limit"] else { return fallback }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw FormProblems([FieldProblem("limit", "a whole number from 1 to 1000")])
        }
        return limit
    }

    private static func query(_ request: HTTPRequest, _ allowed: Set<String>) throws -> [String: String] {
        do { return try QueryParameters.parse(request.query, allowed: allowed) } catch {
            throw FormProblems([FieldProblem("query", error.message)])
        }
    }

    private static func optionalBody(_ request: HTTPRequest) throws -> JSONValue {
        request.body.isEmpty ? .object(JSONObject()) : try RegisterAPI.jsonBody(request)
    }

    private static func text(_ body: JSONValue, _ name: String) throws -> String? {
        guard let value = body[name], !value.isNull else { return nil }
        guard case .string(let text) = value, text.count <= 2000 else {
            throw FormProblems([FieldProblem(name, "must be a string of at most 2000 characters")])
        }
        return text.isEmpty ? nil : text
    }
}
