/// The state of an issued party code: `ACTIVE ⇄ SUSPENDED`, either `→ REVOKED` (registries.md
/// §2.8). A revoked code stays quarantined, never re-issued while EVSE and contract IDs built on
/// it may still circulate; when the quarantine is over the office may release it.
public enum CodeStatus: String, Sendable, Hashable, CaseIterable {
    case active = "ACTIVE"
    case suspended = "SUSPENDED"
    case revoked = "REVOKED"
    /// Revoked, quarantine over, freed for a new holder; kept as history only.
    case released = "RELEASED"

    public func after(_ action: CodeAction) throws(RegisterConflict) -> CodeStatus {
        switch (self, action) {
        case (.active, .suspend): return .suspended
        case (.suspended, .reinstate): return .active
        case (.active, .revoke), (.suspended, .revoke): return .revoked
        case (.active, .transfer), (.suspended, .transfer): return self
        case (.revoked, .release): return .released
        default: throw RegisterConflict("a \(rawValue) code cannot be \(action.pastTense)")
        }
    }
}

/// What the office does to an issued code.
public enum CodeAction: String, Sendable, CaseIterable {
    case suspend, reinstate, revoke, transfer, release

    var pastTense: String {
        switch self {
        case .suspend: "suspended"
        case .reinstate: "reinstated"
        case .revoke: "revoked"
        case .transfer: "transferred"
        case .release: "released"
        }
    }
}
