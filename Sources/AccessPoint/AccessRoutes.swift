import Foundation
import HTTPServer
import Storage

/// Every route of the access point, each group behind its guard: the whole access policy in one
/// screen. Who may call what is decided here and in the guards (`Auth/`), nowhere else; the rate
/// limits come first, before any guard reads a token (`RateLimits`).
public struct AccessRoutes: Sendable {
    public let store: any Store
    /// `sqlite` or `postgresql`, for the health check.
    public let backend: String
    /// The server's request counters, for `/api/v1/metrics`.
    public let metrics: HTTPMetrics
    public let settings: AccessPointSettings

    public init(
        store: any Store, backend: String, metrics: HTTPMetrics = HTTPMetrics(),
        settings: AccessPointSettings = AccessPointSettings()
    ) {
        self.store = store
        self.backend = backend
        self.metrics = metrics
        self.settings = settings
    }

    /// Adds every route to `router`.
    public func routes(into router: inout HTTPRouter) {
        let limiter = RateLimiter(settings.rateLimits)
        router.gate = { request, route in
            limiter.refusal(request, route: route, now: Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        }
        let register = store.register
        let everyone = RouteGuard<Void>.everyone
        // A closed Sender (`serve --ocpi-token-required`) opens to any of the registry's tokens.
        func ocpiReaders(registrationAllowed: Bool) -> RouteGuard<Void> {
            guard settings.ocpiRequiresToken else { return everyone }
            return RouteGuard.ocpiToken(register, registrationAllowed: registrationAllowed).map { _ in () }
        }
        let registerAPI = RegisterAPI(store: store)

        // Open data: everyone reads what is published, and nothing else (one visibility rule).
        PublicAPI(store: store, backend: backend, metrics: metrics).routes(into: &router, behind: everyone)
        registerAPI.registerRoutes(into: &router, behind: everyone)
        QualityAPI(store: store, rulebook: settings.quality, clock: settings.clock).routes(
            into: &router, behind: everyone)
        OpenDataDumps(store: store, settings: settings).routes(into: &router, behind: everyone)

        // The ID Registration Office: anyone applies; the application's secret follows it; the
        // office's staff decide.
        registerAPI.applicationRoutes(into: &router, submit: everyone, applicant: .applicant(register))
        OfficeAPI(store: store).routes(into: &router, behind: .office(register))

        // OCPI: the versions open to registration tokens (token A) too, the Sender to readers;
        // token A registers and a peer's token keeps its registration; an operator writes what
        // the register lets it write.
        OCPISenderAPI(store: store, settings: settings).routes(
            into: &router, versions: ocpiReaders(registrationAllowed: true),
            behind: ocpiReaders(registrationAllowed: false))
        OCPICredentialsAPI(store: store, settings: settings).routes(
            into: &router, behind: .ocpiToken(register, registrationAllowed: true))
        OCPIReceiverAPI(store: store).routes(into: &router, behind: .ocpiOperator(store))
    }
}
