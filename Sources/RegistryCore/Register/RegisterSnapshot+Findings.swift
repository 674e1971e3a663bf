extension RegisterSnapshot {
    /// The register's findings on a location's EVSE IDs, under the location's own party.
    public func findings(of location: Location) -> [Finding] {
        guard let party = try? PartyCode(parsing: location.countryCode + location.partyID) else { return [] }
        return findings(party: party, evseIDs: location.evses.map(\.evseID))
    }

    /// The register's findings on a location's EVSE IDs. Not refusals: the data is kept and
    /// flagged (issue #5). Nothing is checked while the office serves no country, and IDs outside
    /// the eMI3 grammar are left to the `id.*` findings.
    public func findings(party: PartyCode, evseIDs: [String?]) -> [Finding] {
        guard !countries.isEmpty else { return [] }
        var findings: [Finding] = []
        for (index, text) in evseIDs.enumerated() {
            guard let text, let evseID = try? EVSEID(parsing: text) else { continue }
            if let finding = finding(on: evseID.operatorCode, party: party, path: "evses[\(index)].evse_id") {
                findings.append(finding)
            }
        }
        return findings
    }

    /// Every finding code the register check gives, so that a re-check replaces exactly these.
    public static let findingCodes: Set<FindingCode> = [
        .evseOperatorUnknown, .evseOperatorForeignUnregistered, .evseOperatorSuspended, .evseOperatorRevoked,
        .evseOperatorUnauthorised,
    ]

    private func finding(on operatorCode: PartyCode, party: PartyCode, path: String) -> Finding? {
        let code = operatorCode.compact
        let register: String
        let status: String
        if let holding = own[code] {
            register = "this office"
            status = holding.status.rawValue
        } else if countries.contains(operatorCode.countryCode) {
            return Finding(.evseOperatorUnknown, path, "\(operatorCode) is not a code issued by this office")
        } else if let foreignStatus = foreign[code], foreignStatus != CodeStatus.released.rawValue {
            register = "its country's register"
            status = foreignStatus
        } else {
            return Finding(
                .evseOperatorForeignUnregistered, path, "\(operatorCode) is not in any imported foreign register")
        }
        switch status {
        case CodeStatus.suspended.rawValue:
            return Finding(.evseOperatorSuspended, path, "\(operatorCode) is suspended in \(register)")
        case CodeStatus.revoked.rawValue:
            return Finding(.evseOperatorRevoked, path, "\(operatorCode) is revoked in \(register)")
        default:
            break
        }
        if code == party.compact || authorisations[code]?.contains(party.compact) == true { return nil }
        if let holder = own[code], let publisher = own[party.compact], holder.organisationID == publisher.organisationID
        {
            return nil
        }
        return Finding(
            .evseOperatorUnauthorised, path,
            "\(operatorCode) is held by another party than \(party), which it has not authorised")
    }
}
