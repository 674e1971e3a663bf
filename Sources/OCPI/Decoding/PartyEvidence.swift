import RegistryCore

/// What a record says about its owner, and how the owner is settled: the record's own
/// `country_code`/`party_id` first, then the party declared for the ingest, then the operator
/// prefix of its EVSE IDs (ISO 15118-2 Annex H), then the operator codes its feed uses for the
/// location's country. Every inference is a finding (issue: "an inferred party is a finding").
struct PartyEvidence {
    var recordCountry: String?
    var recordParty: String?
    /// Alpha-2 of `Location.country`, when that is a valid alpha-3.
    var locationCountry: String?
    /// The operator codes of the record's EVSE IDs, most frequent first; read only when the
    /// record does not name its party (parsing every EVSE ID is most of a decode's cost otherwise).
    var evseOperatorCodes: () -> [PartyCode]
    var feedOperators: Set<PartyCode>

    func resolve(declared: PartyCode?, log: FindingLog) -> Result<(country: String, party: String), LocationRefusal> {
        let country = recordCountry.flatMap { $0.trimmingASCIIWhitespace.isEmpty ? nil : $0 }
        let party = recordParty.flatMap { $0.trimmingASCIIWhitespace.isEmpty ? nil : $0 }
        if let country, let party {
            if let declared, declared.compact != (country + party).uppercased() {
                log.add(
                    .partyMismatch, "party_id",
                    "the record says \(country)*\(party) but the ingest is declared for \(declared); kept the record's")
            }
            return .success((country, party))
        }
        if let declared {
            if let country, country.uppercased() != declared.countryCode {
                log.add(
                    .partyMismatch, "country_code",
                    "the record says \(country) but the ingest is declared for \(declared)")
            }
            log.add(
                .partyFromIngest, country == nil ? "country_code" : "party_id",
                "taken from the declared party \(declared)")
            return .success((declared.countryCode, declared.partyID))
        }
        // The record's own EVSE IDs: those of its country if it names one (or stands in one).
        let evseOperators = evseOperatorCodes()
        let wantedCountry = country?.uppercased() ?? locationCountry
        let ownCandidates = evseOperators.filter { wantedCountry == nil || $0.countryCode == wantedCountry }
        if let inferred = ownCandidates.first ?? (country == nil ? evseOperators.first : nil) {
            let others =
                evseOperators.count > 1
                ? " (its EVSE IDs also name \(evseOperators.filter { $0 != inferred }.map(\.description).joined(separator: ", ")))"
                : ""
            log.add(.partyInferred, "party_id", "taken from the operator prefix \(inferred) of its EVSE IDs\(others)")
            return .success((country ?? inferred.countryCode, inferred.partyID))
        }
        // The operator codes of the rest of the feed, for this location's country.
        let feedCandidates = feedOperators.filter { wantedCountry != nil && $0.countryCode == wantedCountry }
        if feedCandidates.count == 1, let inferred = feedCandidates.first {
            log.add(
                .partyInferred, "party_id",
                "taken from \(inferred), the operator prefix the rest of the feed uses in \(inferred.countryCode)")
            return .success((country ?? inferred.countryCode, inferred.partyID))
        }
        let reason =
            evseOperators.isEmpty
            ? "no country_code/party_id in the record, none declared, and none can be inferred from EVSE IDs"
            : "no party_id in the record, none declared, and its EVSE IDs name another country's operators"
        return .failure(
            LocationRefusal(
                locationID: nil, reason: reason, awaitsFeedOperators: evseOperators.isEmpty && feedOperators.isEmpty))
    }
}
