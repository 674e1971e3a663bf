import RegistryCore
import Synchronization
import TestDatabases
import Testing

@testable import Storage

/// The ID Registration Office's register on both backends (issue #5): lifecycles legal and
/// illegal, one namespace across roles, case-insensitive codes, quarantine, the approval race,
/// foreign registers, tokens and the audit log.
@Suite struct PartyRegisterTests {
    static func form(
        _ name: String = "Voltaje Andino SpA", company: String = "76.123.456-7", roles: Set<PartyRole> = [.cpo],
        code: String? = "CL*VLT"
    ) -> ApplicationForm {
        ApplicationForm(
            organisation: Organisation(
                legalName: name, companyID: company, address: "Av. Apoquindo 1, Santiago", country: "CL",
                representative: "R. Private", contactName: "C. Private", contactEmail: "private@example.cl",
                helpdeskPhone: "+56 2 2345 6789", website: "https://example.cl"),
            roles: roles, country: "CL", proposedCode: code.map { try! PartyCode(parsing: $0) })
    }

    static func office(_ store: any Store, quarantineDays: Int = 1825) async throws -> PartyRegister {
        let register = store.register
        try await register.configure(OfficeSettings(countries: ["CL"], quarantineDays: quarantineDays), actor: "test")
        return register
    }

    static func approve(
        _ register: PartyRegister, _ form: ApplicationForm, assign: PartyCode? = nil, transfer: Bool = false
    ) async throws -> ApplicationRecord {
        let submitted = try await register.submit(form, secretHash: "hash")
        _ = try await register.decide(submitted.id, .review, reason: nil, actor: "office")
        return try await register.decide(
            submitted.id, .approve, reason: "ok", assign: assign, transfer: transfer, actor: "office")
    }

    /// An application naming the company ID of a registered organisation would speak for it and
    /// its codes: the office sees the conflict, and approval needs an explicit transfer; without
    /// it, nothing of the organisation, its record or its codes changes.
    @Test(arguments: TestBackend.available)
    func anApplicationNamingARegisteredCompanyIDNeedsATransfer(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = try await Self.office(store)
            let holder = try await Self.approve(register, Self.form())
            var claim = Self.form(roles: [.emsp], code: "CL*VLT")
            claim.organisation.contactEmail = "taken-over@example.com"
            let submitted = try await register.submit(claim, secretHash: "h")
            _ = try await register.decide(submitted.id, .review, reason: nil, actor: "office")
            let read = try #require(try await register.application(submitted.id))
            #expect(read.conflicts.count == 1)
            #expect(
                read.conflicts.first?.hasPrefix("the company ID 76.123.456-7 is that of Voltaje Andino SpA") == true
                    && read.conflicts.first?.hasSuffix("which holds CL*VLT") == true, "\(read.conflicts)")
            #expect(holder.conflicts.isEmpty)
            await #expect(throws: RegisterConflict.self) {
                try await register.decide(submitted.id, .approve, reason: nil, actor: "office")
            }
            let entry = try #require(try await register.party(PartyCode(parsing: "CL*VLT")))
            #expect(entry.roles == [.cpo] && entry.history.map(\.event) == ["issued"])
            let email = try await register.database.readOnly { session in
                try session.row("SELECT contact_email FROM organisations", [])?.string(0)
            }
            #expect(email == "private@example.cl")
            let approved = try await register.decide(
                submitted.id, .approve, reason: nil, transfer: true, actor: "office")
            #expect(approved.issuedCode == "CL*VLT" && approved.conflicts.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func everyApplicationTransitionLegalAndIllegal(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = try await Self.office(store)
            let application = try await register.submit(Self.form(), secretHash: "h")
            #expect(application.status == .submitted)
            await #expect(throws: RegisterConflict.self) {
                try await register.decide(application.id, .approve, reason: nil, actor: "office")
            }
            await #expect(throws: RegisterConflict.self) { try await register.respond(application.id, message: "hi") }
            #expect(
                try await register.decide(application.id, .review, reason: nil, actor: "office").status == .underReview)
            let asked = try await register.decide(application.id, .requestInformation, reason: "RUT?", actor: "office")
            #expect(asked.status == .infoRequested)
            await #expect(throws: RegisterConflict.self) {
                try await register.decide(application.id, .approve, reason: nil, actor: "office")
            }
            let answered = try await register.respond(application.id, message: "76.123.456-7")
            #expect(answered.status == .underReview)
            #expect(answered.messages.map(\.author) == ["office", "applicant"])
            let approved = try await register.decide(application.id, .approve, reason: nil, actor: "office")
            #expect(approved.status == .approved && approved.issuedCode == "CL*VLT")
            for action in ApplicationAction.allCases {
                await #expect(throws: RegisterConflict.self) {
                    try await register.decide(application.id, action, reason: "x", actor: "office")
                }
            }
            let other = try await register.submit(Self.form(company: "1", code: "CL*VL2"), secretHash: "h")
            await #expect(throws: RegisterConflict.self) {
                try await register.decide(other.id, .reject, reason: nil, actor: "office")
            }
            #expect(try await register.decide(other.id, .reject, reason: "no", actor: "office").status == .rejected)
            await #expect(throws: RegisterNotFound.self) {
                try await register.decide(999, .review, reason: nil, actor: "office")
            }
            let log = try await register.auditLog(subject: "application:\(application.id)")
            #expect(log.map(\.action) == ["approve", "respond", "request-info", "review", "submit"])
            #expect(log.first?.actor == "office" && log[2].reason == "RUT?")
        }
    }

    @Test(arguments: TestBackend.available)
    func oneNamespaceAcrossRolesAndCase(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = try await Self.office(store)
            _ = try await Self.approve(register, Self.form(roles: [.cpo], code: "cl*vlt"))
            // Another company cannot have it in another role, in any spelling.
            for spelling in ["CL*VLT", "clvlt", "CL-vlt"] {
                await #expect(throws: RegisterConflict.self) {
                    try await register.submit(
                        Self.form("Other", company: "9", roles: [.emsp], code: spelling), secretHash: "h")
                }
            }
            // The holder itself gains the EMSP role on the same code, once the office confirmed it.
            let again = try await Self.approve(register, Self.form(roles: [.emsp], code: "CL*VLT"), transfer: true)
            #expect(again.issuedCode == "CL*VLT")
            let entry = try #require(try await register.party(PartyCode(parsing: "clvlt")))
            #expect(entry.roles == [.cpo, .emsp] && entry.status == "ACTIVE")
            #expect(entry.history.map(\.event) == ["issued", "roles_added"])
            // Reserved and offensive codes, and codes of another country, are refused.
            for code in ["CL*XXX", "CL*KKK"] {
                let application = try await register.submit(
                    Self.form("Other", company: "9", code: nil), secretHash: "h")
                _ = try await register.decide(application.id, .review, reason: nil, actor: "office")
                await #expect(throws: RegisterConflict.self) {
                    try await register.decide(
                        application.id, .approve, reason: nil, assign: try PartyCode(parsing: code), actor: "office")
                }
            }
            // Without a proposal a free code is made from the name.
            let assigned = try await Self.approve(register, Self.form("Volt Sur", company: "8", code: nil))
            #expect(assigned.issuedCode == "CL*VOL")
        }
    }

    @Test(arguments: TestBackend.available)
    func codeLifecycleAndQuarantine(_ backend: TestBackend) async throws {
        let now = Mutex(Timestamp(seconds: 1_800_000_000))
        try await backend.withStore(clock: RegistryClock { now.withLock { $0 } }) { store, _ in
            let register = try await Self.office(store, quarantineDays: 10)
            _ = try await Self.approve(register, Self.form())
            _ = try await Self.approve(register, Self.form("Buyer SA", company: "2", code: "CL*BUY"))
            let code = try PartyCode(parsing: "CL*VLT")
            await #expect(throws: RegisterConflict.self) {
                try await register.change(code, .reinstate, reason: "x", actor: "o")
            }
            await #expect(throws: RegisterConflict.self) {
                try await register.change(code, .suspend, reason: "", actor: "o")
            }
            #expect(try await register.change(code, .suspend, reason: "unpaid", actor: "o").status == "SUSPENDED")
            #expect(try await register.change(code, .reinstate, reason: "paid", actor: "o").status == "ACTIVE")
            let buyer = try #require(try await register.party(PartyCode(parsing: "CL*BUY"))?.organisationID)
            let moved = try await register.change(code, .transfer, reason: "merger", toOrganisation: buyer, actor: "o")
            #expect(moved.holderLegalName == "Buyer SA")
            #expect(
                moved.history.map(\.holderLegalName) == [
                    "Voltaje Andino SpA", "Voltaje Andino SpA", "Voltaje Andino SpA", "Buyer SA",
                ])
            let revoked = try await register.change(code, .revoke, reason: "fraud", actor: "o")
            #expect(
                revoked.status == "REVOKED" && revoked.quarantineUntil == Timestamp(seconds: 1_800_000_000 + 10 * 86400)
            )
            await #expect(throws: RegisterConflict.self) {
                try await register.change(code, .reinstate, reason: "x", actor: "o")
            }
            // Quarantined: neither proposable nor releasable yet.
            await #expect(throws: RegisterConflict.self) {
                try await register.submit(Self.form("New", company: "3"), secretHash: "h")
            }
            await #expect(throws: RegisterConflict.self) {
                try await register.change(code, .release, reason: "x", actor: "o")
            }
            now.withLock { $0 = Timestamp(seconds: 1_800_000_000 + 11 * 86400) }
            _ = try await register.change(code, .release, reason: "quarantine over", actor: "o")
            let reissued = try await Self.approve(register, Self.form("New", company: "3"))
            #expect(reissued.issuedCode == "CL*VLT")
            #expect(try await register.party(code)?.holderLegalName == "New")
            #expect(try await register.parties().map(\.code) == ["CL*BUY", "CL*VLT"])
        }
    }

    @Test(arguments: TestBackend.available)
    func twoApprovalsRacingForOneCodeExactlyOneWins(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = try await Self.office(store)
            var ids: [Int64] = []
            for company in 0..<6 {
                let application = try await register.submit(
                    Self.form("Racer \(company)", company: "\(company)"), secretHash: "h")
                _ = try await register.decide(application.id, .review, reason: nil, actor: "office")
                ids.append(application.id)
            }
            let results = await withTaskGroup(of: Bool.self) { group in
                for id in ids {
                    group.addTask { (try? await register.decide(id, .approve, reason: nil, actor: "office")) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await register.parties().count == 1)
            #expect(try await register.applications(status: .underReview).count == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func foreignRegistersAreImportedAndUpdated(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = try await Self.office(store)
            let entries = [
                ForeignParty(
                    code: try PartyCode(parsing: "CO*ABC"), roles: [.cpo], holderName: "Carga SAS", status: "ACTIVE"),
                ForeignParty(
                    code: try PartyCode(parsing: "CR*XYZ"), roles: [.emsp], holderName: "Pura Vida", status: "ACTIVE"),
            ]
            #expect(
                try await register.importForeign(entries, source: "co.csv", actor: "o")
                    == .init(created: 2, updated: 0, unchanged: 0))
            var changed = entries
            changed[0] = ForeignParty(
                code: changed[0].code, roles: [.cpo], holderName: "Carga SAS", status: "SUSPENDED")
            #expect(
                try await register.importForeign(changed, source: "co.csv", actor: "o")
                    == .init(created: 0, updated: 1, unchanged: 1))
            let entry = try #require(try await register.party(PartyCode(parsing: "CO*ABC")))
            #expect(entry.status == "SUSPENDED" && entry.foreignSource == "co.csv")
            await #expect(throws: RegisterConflict.self) {
                try await register.importForeign(
                    [
                        ForeignParty(
                            code: try PartyCode(parsing: "CL*ABD"), roles: [.cpo], holderName: "x", status: "ACTIVE")
                    ],
                    source: "bad", actor: "o")
            }
            #expect(try await register.parties(PartyFilter(country: "CR")).map(\.holderLegalName) == ["Pura Vida"])
            #expect(try await register.parties(PartyFilter(query: "carga")).map(\.code) == ["CO*ABC"])
            #expect(try await register.snapshot().foreign == ["COABC": "SUSPENDED", "CRXYZ": "ACTIVE"])
        }
    }

    @Test(arguments: TestBackend.available)
    func tokensAreStoredByHashAndIssuedOncePerApplication(_ backend: TestBackend) async throws {
        try await backend.withStore { store, _ in
            let register = try await Self.office(store)
            let application = try await Self.approve(register, Self.form())
            #expect(try await register.issueOperatorToken(forApplication: application.id, tokenHash: "t1") == "CL*VLT")
            #expect(try await register.issueOperatorToken(forApplication: application.id, tokenHash: "t2") == nil)
            let token = try #require(try await register.token(hash: "t1"))
            #expect(token.role == .operator && token.parties == ["CL*VLT"])
            #expect(try await register.token(hash: "t2") == nil)
            await #expect(throws: RegisterNotFound.self) {
                try await register.createToken(
                    hash: "t3", role: .operator, parties: [try PartyCode(parsing: "CL*NOP")], label: "x", actor: "o")
            }
            let office = try await register.createToken(
                hash: "t4", role: .office, parties: [], label: "staff", actor: "cli")
            try await register.revokeToken(office.id, actor: "cli")
            #expect(try await register.token(hash: "t4") == nil)
            #expect(try await register.tokens().count == 2)
            await #expect(throws: RegisterNotFound.self) { try await register.revokeToken(office.id, actor: "cli") }
        }
    }
}
