import JSON
import Storage

/// Tokens as JSON: listed without secrets; the secret only in the answer that created it.
enum TokenDocument {
    static func list(_ tokens: [TokenRecord]) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + tokens.count * 200)
        writer.beginObject()
        writer.key("tokens")
        writer.beginArray()
        for token in tokens { item(token, secret: nil, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    static func created(_ token: TokenRecord, secret: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        item(token, secret: secret, into: &writer)
        return writer.bytes
    }

    private static func item(_ token: TokenRecord, secret: String?, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("id", Int(token.id))
        writer.member("role", token.role.rawValue)
        writer.member("purpose", token.purpose.rawValue)
        writer.key("parties")
        writer.beginArray()
        for party in token.parties { writer.string(party) }
        writer.endArray()
        writer.member("label", token.label)
        writer.member("created_at", token.createdAt.description)
        writer.member("created_by", token.createdBy)
        writer.member("revoked_at", token.revokedAt?.description)
        if let secret {
            writer.member("secret", secret)
            writer.member("secret_note", "shown once: only its SHA-256 is stored")
        }
        writer.endObject()
    }
}
