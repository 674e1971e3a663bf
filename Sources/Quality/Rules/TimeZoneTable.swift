/// The IANA time zone database's names and the countries each zone is used in, for rules
/// `quality.time_zone_invalid` and `quality.time_zone_country_mismatch` (OCPI `time_zone`:
/// "one of the IANA tzdata's TZ-values"; registries.md §4.3 K9).
///
/// Read from the operating system's tzdata (`zone1970.tab`, `zone.tab`, and the links of
/// `tzdata.zi`), so the registry follows the system's tzdata updates rather than a copy of it.
public struct TimeZoneTable: Sendable {
    /// Every valid name (zones and their links) → the ISO 3166-1 alpha-2 codes it serves (empty for
    /// `Etc/UTC` and the like).
    private var countriesByZone: [String: Set<String>] = [:]

    public init(zone1970: String, zoneTab: String, tzdataZI: String) {
        for (text, codeColumn, zoneColumn) in [(zone1970, 0, 2), (zoneTab, 0, 2)] {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard columns.count > zoneColumn else { continue }
                let codes = columns[codeColumn].split(separator: ",").map(String.init)
                countriesByZone[String(columns[zoneColumn]), default: []].formUnion(codes)
            }
        }
        var links: [(target: String, alias: String)] = []
        for line in tzdataZI.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.first == "Z", words.count > 1, countriesByZone[String(words[1])] == nil {
                countriesByZone[String(words[1])] = []
            } else if words.first == "L", words.count > 2 {
                links.append((String(words[1]), String(words[2])))
            }
        }
        for link in links { countriesByZone[link.alias, default: []].formUnion(countriesByZone[link.target] ?? []) }
    }

    /// Whether `name` is a zone or link of the database (case-sensitive, as IANA names are).
    public func isValid(_ name: String) -> Bool { countriesByZone[name] != nil }

    /// The alpha-2 codes of the countries that use `name`; nil for an unknown name.
    public func countries(using name: String) -> Set<String>? { countriesByZone[name] }

    public var isEmpty: Bool { countriesByZone.isEmpty }
}
