import RegistryCore
import Storage

/// A delivery that is a party's whole current set (OCPI 3.1: "the new truth"; a full file or a
/// full pull): its stored locations missing from the delivery are marked removed, unless that
/// would remove more than `maximumRemovedShare` of them at once and is not `confirmed`, so that a
/// truncated file or a broken Sender cannot empty the register.
public struct FullDelivery: Sendable {
    public var party: PartyCode
    public var maximumRemovedShare: Double
    public var confirmed: Bool

    public init(party: PartyCode, maximumRemovedShare: Double = 0.2, confirmed: Bool = false) {
        self.party = party
        self.maximumRemovedShare = maximumRemovedShare
        self.confirmed = confirmed
    }

    /// Removals held back: how many locations were missing, of how many.
    public typealias Withheld = (absent: Int, of: Int)

    /// Inside the delivery's ingest session: removes the party's current locations not in
    /// `delivered`, or withholds them all.
    func removeAbsent(_ delivered: Set<LocationKey>, in session: any IngestSession) async throws
        -> (removed: Int, withheld: Withheld?)
    {
        let current = try await session.currentKeys(of: party)
        let absent = current.subtracting(delivered)
        guard confirmed || Double(absent.count) <= maximumRemovedShare * Double(current.count) else {
            return (0, (absent.count, current.count))
        }
        return (try await session.remove(absent.sorted { $0.description < $1.description }), nil)
    }
}
