/// Postal code formats by ISO 3166-1 alpha-3, for rule `quality.postal_code_format` (K7; the
/// national postal operators' published formats, as collected by the UPU). `N` is a digit, `A` a
/// letter, anything else itself. Countries without postal codes, or with formats too irregular to
/// check this way (IE, GB), are absent: the rule does not apply to them.
enum PostalCodeFormats {
    static let byAlpha3: [String: [String]] = [
        "ARG": ["NNNN", "ANNNNAAA"], "AUS": ["NNNN"], "AUT": ["NNNN"], "BEL": ["NNNN"], "BGR": ["NNNN"],
        "BRA": ["NNNNN-NNN", "NNNNNNNN"], "CAN": ["ANA NAN", "ANANAN"], "CHE": ["NNNN"],
        "CHL": ["NNNNNNN", "NNN-NNNN"],
        "CHN": ["NNNNNN"], "COL": ["NNNNNN"], "CRI": ["NNNNN"], "CZE": ["NNN NN", "NNNNN"], "DEU": ["NNNNN"],
        "DNK": ["NNNN"], "DOM": ["NNNNN"], "ECU": ["NNNNNN"], "ESP": ["NNNNN"], "EST": ["NNNNN"], "FIN": ["NNNNN"],
        "FRA": ["NNNNN"], "GRC": ["NNN NN", "NNNNN"], "GTM": ["NNNNN"], "HRV": ["NNNNN"], "HUN": ["NNNN"],
        "IND": ["NNNNNN", "NNN NNN"], "ITA": ["NNNNN"], "JPN": ["NNN-NNNN", "NNNNNNN"], "LTU": ["LT-NNNNN", "NNNNN"],
        "LUX": ["NNNN", "L-NNNN"], "LVA": ["LV-NNNN"], "MEX": ["NNNNN"], "NLD": ["NNNN AA", "NNNNAA"], "NOR": ["NNNN"],
        "NZL": ["NNNN"], "PER": ["NNNNN"], "POL": ["NN-NNN"], "PRT": ["NNNN-NNN"], "PRY": ["NNNN", "NNNNNN"],
        "ROU": ["NNNNNN"], "SVK": ["NNN NN", "NNNNN"], "SVN": ["NNNN"], "SWE": ["NNN NN", "NNNNN"], "TUR": ["NNNNN"],
        "URY": ["NNNNN"], "USA": ["NNNNN", "NNNNN-NNNN"],
    ]

    static func matches(_ text: String, _ format: String) -> Bool {
        let text = Array(text.utf8)
        let format = Array(format.utf8)
        guard text.count == format.count else { return false }
        return zip(text, format).allSatisfy { character, pattern in
            switch pattern {
            case UInt8(ascii: "N"): (0x30...0x39).contains(character)
            case UInt8(ascii: "A"): (0x41...0x5A).contains(character & 0xDF)
            default: character == pattern
            }
        }
    }
}
