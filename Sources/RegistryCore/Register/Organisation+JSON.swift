import JSON

extension Organisation {
    /// The organisation as the application form names its fields: how applications store it and
    /// how the office and the applicant read it back.
    public func write(into writer: inout JSONWriter) {
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
    }
}
