/// The rules a proposed party code must pass before any register lookup: eMI3 grammar (country +
/// three `[A-Z0-9]`), a country this office serves, not reserved, not offensive (registries.md
/// §2.8: "Reject codes already taken in any role, and reserved or offensive strings"). Whether the
/// code is free or quarantined is the register's to say.
public enum CodeRules {
    /// Party IDs kept back in every country: placeholders and test values that real feeds are
    /// full of, and the office's own.
    public static let reserved: Set<String> = [
        "000", "111", "999", "AAA", "ABC", "XXX", "ZZZ", "TST", "TES", "DEV", "DMO", "NAP", "IDR", "GOV", "NUL", "NIL",
    ]

    /// Party IDs refused as offensive in the region's languages (Spanish, Portuguese, English).
    public static let offensive: Set<String> = [
        "ASS", "CUL", "FUK", "FCK", "KKK", "NAZ", "PIS", "PTA", "PUT", "MRD", "CGO", "SEX", "WTF", "XXL", "VRG", "KCT",
    ]

    /// Why `text` cannot be proposed in an office serving `countries`, or nil when it can.
    public static func problem(proposing text: String, countries: Set<String>) -> String? {
        let code: PartyCode
        do { code = try PartyCode(parsing: text) } catch { return error.description }
        if !countries.contains(code.countryCode) {
            return
                "\(code) is for \(code.countryCode); this office issues codes for \(countries.sorted().joined(separator: ", "))"
        }
        if reserved.contains(code.partyID) { return "\(code) is reserved" }
        if offensive.contains(code.partyID) { return "\(code) is not allowed" }
        return nil
    }
}
