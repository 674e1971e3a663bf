import JSON
import RegistryCore

extension Organisation {
    /// The organisation as an application stores it (JSON text; the names of the form).
    var storedJSON: String {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.member("legal_name", legalName)
        writer.member("trade_name", tradeName)
        writer.member("company_id", companyID)
        writer.member("legal_form", legalForm)
        writer.member("address", address)
        writer.member("country", country)
        writer.member("representative", representative)
        writer.key("contact")
        writer.beginObject()
        writer.member("name", contactName)
        writer.member("email", contactEmail)
        writer.member("phone", contactPhone)
        writer.endObject()
        writer.member("helpdesk_phone", helpdeskPhone)
        writer.member("website", website)
        writer.endObject()
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
