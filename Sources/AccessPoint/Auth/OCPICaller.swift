import Storage

/// Who calls an OCPI endpoint, as `RouteGuard.ocpiToken` established it: the live token the
/// request presented and the secret as it matched (raw or Base64, OCPI 2.2.1 §4.1.5).
struct OCPICaller: Sendable {
    let token: TokenRecord
    let secret: String
}
