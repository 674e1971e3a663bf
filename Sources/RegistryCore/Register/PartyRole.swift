/// The roles a party code is registered for. One code may hold both; whatever roles it holds,
/// the code is taken in every role for every other holder (one namespace per country: BDEW,
/// AFIREV; registries.md §1.2).
public enum PartyRole: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Charge point operator (OCPI role `CPO`; the operator ID inside EVSE IDs).
    case cpo = "CPO"
    /// Mobility service provider (OCPI role `EMSP`; the provider ID inside contract IDs).
    case emsp = "EMSP"

    public static func < (lhs: PartyRole, rhs: PartyRole) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `CPO,EMSP`: how roles are stored and published.
    public static func text(_ roles: Set<PartyRole>) -> String { roles.sorted().map(\.rawValue).joined(separator: ",") }

    /// Parses `CPO`, `emsp`, `CPO,EMSP`; nil when a part is no role or nothing is named.
    public static func parse(_ text: String) -> Set<PartyRole>? {
        let parts = text.uppercased().split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.filter { $0 != " " })
        }
        let roles = parts.compactMap(PartyRole.init(rawValue:))
        guard !roles.isEmpty, roles.count == parts.count else { return nil }
        return Set(roles)
    }
}
