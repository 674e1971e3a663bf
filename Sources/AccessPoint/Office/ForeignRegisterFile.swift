import JSON
import RegistryCore
import Storage

/// Another ID Registration Office's public register, as it publishes it: CSV with a header row
/// (`code`, `roles`, `legal_name` or `holder_name`, `status`; other columns ignored), or JSON (an
/// array, or `{"parties": [...]}`, of objects with those members). Our own open-data files are
/// in this shape, so registers round-trip between offices.
public enum ForeignRegisterFile {
    public static func parse(_ bytes: [UInt8]) throws(ForeignRegisterError) -> [ForeignParty] {
        let start = bytes.drop(while: { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }).first
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("the file is not UTF-8") }
        if start == UInt8(ascii: "[") || start == UInt8(ascii: "{") { return try parseJSON(bytes) }
        return try parseCSV(text)
    }

    private static func parseCSV(_ text: String) throws(ForeignRegisterError) -> [ForeignParty] {
        let table = try CSVTable(parsing: text)
        func column(_ names: String...) throws(ForeignRegisterError) -> Int {
            guard let index = table.header.firstIndex(where: names.contains) else {
                throw .malformed("the header has no '\(names[0])' column")
            }
            return index
        }
        let code = try column("code")
        let roles = try column("roles", "role")
        let name = try column("legal_name", "holder_name", "holder")
        let status = try column("status")
        var parties: [ForeignParty] = []
        for (offset, row) in table.rows.enumerated() {
            parties.append(
                try entry(
                    code: row[code], roles: row[roles], name: row[name], status: row[status], at: "row \(offset + 2)"))
        }
        return parties
    }

    private static func parseJSON(_ bytes: [UInt8]) throws(ForeignRegisterError) -> [ForeignParty] {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw .malformed("\(error)") }
        let list: [JSONValue]
        switch json {
        case .array(let items): list = items
        case .object where json["parties"] != nil:
            guard case .array(let items)? = json["parties"] else { throw .malformed("'parties' must be an array") }
            list = items
        default: throw .malformed("expected an array of parties or {\"parties\": [...]}")
        }
        var parties: [ForeignParty] = []
        for (index, item) in list.enumerated() {
            func text(_ names: String...) -> String {
                for name in names { if case .string(let value)? = item[name] { return value } }
                return ""
            }
            var roles = text("roles")
            if case .array(let items)? = item["roles"] {
                roles = items.compactMap { if case .string(let role) = $0 { role } else { nil } }.joined(separator: ",")
            }
            parties.append(
                try entry(
                    code: text("code"), roles: roles, name: text("legal_name", "holder_name", "holder"),
                    status: text("status"), at: "parties[\(index)]"))
        }
        return parties
    }

    private static func entry(code: String, roles: String, name: String, status: String, at place: String)
        throws(ForeignRegisterError) -> ForeignParty
    {
        let party: PartyCode
        do { party = try PartyCode(parsing: code) } catch { throw .malformed("\(place): \(error)") }
        guard let parsedRoles = PartyRole.parse(roles) else {
            throw .malformed("\(place): roles '\(roles)' must be CPO, EMSP or CPO,EMSP")
        }
        guard !name.isEmpty else { throw .malformed("\(place): the holder name is empty") }
        guard !status.isEmpty else { throw .malformed("\(place): the status is empty") }
        return ForeignParty(code: party, roles: parsedRoles, holderName: name, status: status.uppercased())
    }
}

/// Why another office's register file cannot be imported.
public enum ForeignRegisterError: Error, Sendable, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self {
        case .malformed(let message): "not a party register: \(message)"
        }
    }
}
