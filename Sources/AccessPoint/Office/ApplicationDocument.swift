import JSON
import RegistryCore
import Storage

/// Applications as JSON: what the applicant sees with its secret (status, messages, the code,
/// the operator token once), and the office's full view with the organisation's private fields.
public enum ApplicationDocument {
    public static func json(_ application: ApplicationRecord, forOffice: Bool, operatorToken: String? = nil) -> [UInt8]
    {
        var writer = JSONWriter(capacity: 2048)
        item(application, forOffice: forOffice, operatorToken: operatorToken, into: &writer)
        return writer.bytes
    }

    static func list(_ applications: [ApplicationRecord]) -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + applications.count * 1024)
        writer.beginObject()
        writer.member("count", applications.count)
        writer.key("applications")
        writer.beginArray()
        for application in applications { item(application, forOffice: true, operatorToken: nil, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    private static func item(
        _ application: ApplicationRecord, forOffice: Bool, operatorToken: String?, into writer: inout JSONWriter
    ) {
        writer.beginObject()
        writer.member("id", Int(application.id))
        writer.member("status", application.status.rawValue)
        writer.member("country", application.country)
        writer.key("roles")
        writer.beginArray()
        for role in application.roles.sorted() { writer.string(role.rawValue) }
        writer.endArray()
        writer.member("proposed_code", application.proposedCode)
        writer.member("issued_code", application.issuedCode)
        writer.member("submitted_at", application.submittedAt.description)
        writer.member("updated_at", application.updatedAt.description)
        writer.key("organisation")
        application.organisation.write(into: &writer)
        writer.member("note", application.note)
        writer.key("messages")
        writer.beginArray()
        for message in application.messages {
            writer.beginObject()
            writer.member("at", message.at.description)
            writer.member("from", message.author)
            writer.member("message", message.body)
            writer.endObject()
        }
        writer.endArray()
        if forOffice {
            writer.member("token_issued_at", application.tokenIssuedAt?.description)
            writer.key("conflicts")
            writer.beginArray()
            for conflict in application.conflicts { writer.string(conflict) }
            writer.endArray()
        } else if application.status == .approved {
            writer.key("operator_token")
            if let operatorToken { writer.string(operatorToken) } else { writer.null() }
            writer.member(
                "operator_token_note",
                operatorToken != nil
                    ? "shown once: store it now; the office can issue a new one"
                    : "already shown on \(application.tokenIssuedAt?.description ?? "an earlier visit"); ask the office for a new one"
            )
        }
        writer.endObject()
    }
}
