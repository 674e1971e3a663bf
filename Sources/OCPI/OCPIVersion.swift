/// The OCPI versions whose Locations module the registry reads and writes. 2.2 is read as 2.2.1
/// (same Locations wire format); 2.3.0 is 2.2.1 plus additive AFIR fields (ocpi.md §6).
public enum OCPIVersion: String, Sendable, CaseIterable, Comparable {
    case v2_1_1 = "2.1.1"
    case v2_2 = "2.2"
    case v2_2_1 = "2.2.1"
    case v2_3_0 = "2.3.0"

    /// The versions the registry exports in.
    public static let exportable: [OCPIVersion] = [.v2_1_1, .v2_2_1, .v2_3_0]

    public static func < (lhs: OCPIVersion, rhs: OCPIVersion) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Accepts `2.2.1`, `v2.2.1`, `2_2_1` and `221`.
    public init?(text: String) {
        var digits = text.lowercased()
        if digits.hasPrefix("v") { digits.removeFirst() }
        digits = digits.replacing("_", with: ".")
        switch digits {
        case "2.1.1", "211": self = .v2_1_1
        case "2.2", "22": self = .v2_2
        case "2.2.1", "221": self = .v2_2_1
        case "2.3.0", "2.3", "230": self = .v2_3_0
        default: return nil
        }
    }

    var is211: Bool { self == .v2_1_1 }
}
