import OCPI
import RegistryCore
import Storage

/// Whose records one ingest run may write: the office's own command line any party's, an
/// operator's push or pull only what the register lets its delivering parties write
/// (`RegisterSnapshot.writeRefusal`). Every path admits its decoded records here, so the
/// ownership rule is applied once, the same way, whatever brought the record.
public enum DeliveryScope: Sendable {
    /// The office's command line: any party (a record of another party than the one declared
    /// keeps its `registry.party_mismatch` finding).
    case office
    /// A delivering party's codes: a pusher's token codes, a feed's party.
    case deliverers(Set<PartyCode>)

    /// The record to store, with the register's findings, or its refusal.
    func admit(_ decoded: DecodedLocation, register: RegisterSnapshot) -> Result<IncomingLocation, LocationRefusal> {
        if case .deliverers(let deliverers) = self {
            let location = decoded.location
            guard let party = try? PartyCode(countryCode: location.countryCode, partyID: location.partyID) else {
                return .failure(LocationRefusal(locationID: location.id, reason: "the record's party is not a code"))
            }
            if let refusal = register.writeRefusal(of: party, by: deliverers) {
                return .failure(
                    LocationRefusal(
                        locationID: location.id, reason: "\(FindingCode.partyNotAuthorised.rawValue): \(refusal)",
                        code: .partyNotAuthorised))
            }
        }
        return .success(CanonicalDocument.incoming(decoded, checkedAgainst: register))
    }
}
