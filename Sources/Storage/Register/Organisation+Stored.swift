import JSON
import RegistryCore

extension Organisation {
    /// The organisation as an application stores it (JSON text; the names of the form).
    var storedJSON: String {
        var writer = JSONWriter(capacity: 512)
        write(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    init(storedJSON text: String) throws(StoreError) {
        guard let json = try? JSONParser.parse(Array(text.utf8)) else {
            throw StoreError.query("a stored organisation is not JSON")
        }
        func field(_ value: JSONValue?) -> String? { if case .string(let text)? = value { text } else { nil } }
        self.init(
            legalName: field(json["legal_name"]) ?? "", tradeName: field(json["trade_name"]),
            companyID: field(json["company_id"]) ?? "", legalForm: field(json["legal_form"]),
            address: field(json["address"]) ?? "", country: field(json["country"]) ?? "",
            representative: field(json["representative"]), contactName: field(json["contact"]?["name"]) ?? "",
            contactEmail: field(json["contact"]?["email"]) ?? "", contactPhone: field(json["contact"]?["phone"]),
            helpdeskPhone: field(json["helpdesk_phone"]), website: field(json["website"]))
    }
}
