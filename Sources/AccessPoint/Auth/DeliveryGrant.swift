import RegistryCore
import Storage

/// What `RouteGuard.ocpiOperator` lets a caller do under the URL's party on the Receiver: the
/// party, whose records its pushes may write (`DeliveryScope`), and the register as it was read
/// for that decision, which the push's ingest run checks its records against.
struct DeliveryGrant: Sendable {
    let party: PartyCode
    let scope: DeliveryScope
    let register: RegisterSnapshot
}
