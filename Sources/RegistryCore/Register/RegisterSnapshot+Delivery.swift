/// Who may deliver which party's records: the one ownership rule of every ingest path that an
/// operator drives (pushes, pulls of feeds and of registered platforms). An operator writes its
/// own codes, those of its own organisation, and those whose holders authorised it with the
/// office (how a platform or a hub delivers for several operators; eMI3 and the OCPI hub model
/// rest on the same idea); and nothing at all for a code the office suspended, revoked or
/// released. The office's own command line is not bound by it.
extension RegisterSnapshot {
    /// Why no data can be delivered for `code` now, or nil when it can: a code of this office
    /// must be ACTIVE, a code of a country this office serves must have been issued, and a
    /// foreign code must not be suspended, revoked or released in its own register. Nothing is
    /// enforced while the office serves no country.
    public func standingProblem(of code: PartyCode) -> String? {
        guard !countries.isEmpty else { return nil }
        if let holding = own[code.compact] {
            return holding.status == .active ? nil : "\(code) is \(holding.status.rawValue) at the registration office"
        }
        if countries.contains(code.countryCode) { return "\(code) is not a code issued by the registration office" }
        let stopped = Set([CodeStatus.suspended, .revoked, .released].map(\.rawValue))
        if let status = foreign[code.compact], stopped.contains(status) {
            return "\(code) is \(status) in its country's register"
        }
        return nil
    }

    /// Why a delivery by `deliverers` may not write `code`'s records, or nil when it may.
    /// Deliverers not in good standing deliver nothing.
    public func writeRefusal(of code: PartyCode, by deliverers: Set<PartyCode>) -> DeliveryRefusal? {
        if let problem = standingProblem(of: code) { return .notInStanding(problem) }
        for deliverer in deliverers where standingProblem(of: deliverer) == nil {
            if deliverer == code || authorisations[code.compact]?.contains(deliverer.compact) == true { return nil }
            if let holder = own[code.compact], let delivering = own[deliverer.compact],
                holder.organisationID == delivering.organisationID
            {
                return nil
            }
        }
        let names = deliverers.map(\.description).sorted().joined(separator: ", ")
        return .notAuthorised("\(code) is not a code of this delivery (\(names)) and has not authorised it")
    }
}

/// Why a delivery may not write a party's records.
public enum DeliveryRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code is suspended, revoked, released or was never issued.
    case notInStanding(String)
    /// The code is not the deliverer's and its holder has not authorised the deliverer.
    case notAuthorised(String)

    public var description: String {
        switch self {
        case .notInStanding(let reason): "\(reason); nothing can be delivered for it"
        case .notAuthorised(let reason): reason
        }
    }
}
