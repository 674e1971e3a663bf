import JSON
import RegistryCore
import Storage

/// The public register's entries as JSON and CSV: public fields only (registries.md §2.8: code,
/// role, holder legal name, brand, country, status, dates, public helpdesk and website). Private
/// fields (representative, contact, company id, address) have no way in: these writers take a
/// `PartyEntry`, which does not carry them.
enum PartyDocument {
    static func list(_ entries: [PartyEntry]) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + entries.count * 400)
        writer.beginObject()
        writer.member("count", entries.count)
        writer.key("parties")
        writer.beginArray()
        for entry in entries { item(entry, history: false, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    static func json(_ entry: PartyEntry) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        item(entry, history: true, into: &writer)
        return writer.bytes
    }

    static func item(_ entry: PartyEntry, history: Bool, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("code", entry.code)
        writer.member("country_code", entry.countryCode)
        writer.key("roles")
        writer.beginArray()
        for role in entry.roles.sorted() { writer.string(role.rawValue) }
        writer.endArray()
        writer.member("status", entry.status)
        writer.member("legal_name", entry.holderLegalName)
        writer.member("trade_name", entry.holderTradeName)
        writer.member("helpdesk_phone", entry.helpdeskPhone)
        writer.member("website", entry.website)
        writer.member("issued_at", entry.issuedAt?.description)
        writer.member("status_changed_at", entry.statusChangedAt?.description)
        writer.member("quarantine_until", entry.quarantineUntil?.description)
        writer.key("foreign")
        if let source = entry.foreignSource {
            writer.beginObject()
            writer.member("source", source)
            writer.member("imported_at", entry.importedAt?.description)
            writer.endObject()
        } else {
            writer.null()
        }
        if history {
            writer.key("history")
            writer.beginArray()
            for event in entry.history {
                writer.beginObject()
                writer.member("at", event.at.description)
                writer.member("event", event.event)
                writer.member("status", event.status)
                writer.member("legal_name", event.holderLegalName)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
    }

    static let csvColumns = [
        "code", "country_code", "roles", "status", "legal_name", "trade_name", "helpdesk_phone", "website", "issued_at",
        "status_changed_at", "source",
    ]

    /// RFC 4180 CSV in UTF-8: a header row, CRLF line ends, fields quoted when they hold a comma,
    /// quote or line break. `chargereg office import` reads it back.
    static func csv(_ entries: [PartyEntry]) -> [UInt8] {
        var text = csvColumns.joined(separator: ",") + "\r\n"
        for entry in entries {
            let fields: [String?] = [
                entry.code, entry.countryCode, PartyRole.text(entry.roles), entry.status, entry.holderLegalName,
                entry.holderTradeName, entry.helpdeskPhone, entry.website, entry.issuedAt?.description,
                entry.statusChangedAt?.description, entry.foreignSource,
            ]
            text += fields.map { CSVTable.quoted($0 ?? "") }.joined(separator: ",") + "\r\n"
        }
        return Array(text.utf8)
    }
}
