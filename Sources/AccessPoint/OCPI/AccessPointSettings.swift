import HTTPServer
import Storage

/// How the access point presents itself to aggregators (issue #6): the public base URL its
/// absolute links use, whether the OCPI Sender is open data or needs a token, and the licence
/// the open data is published under.
public struct AccessPointSettings: Sendable {
    /// `https://nap.example.cl`: what `Link` headers and version URLs start with. Without it,
    /// `http://` and the request's `Host`.
    public var publicURL: String?
    /// The Sender and the versions endpoints need a valid token (any role); open data otherwise.
    public var ocpiRequiresToken = false
    public var licence = "CC-BY-4.0"
    /// The largest Sender page (`X-Limit`); larger `limit`s are capped.
    public var ocpiMaximumLimit = 1000
    /// The quality rules and the policy in force (issue #8).
    public var quality: QualityRulebook
    /// What timeliness is measured against.
    public var clock: RegistryClock
    /// How often one client address may call (`RateLimits`).
    public var rateLimits = RateLimits()
    /// Where a peer registering by the handshake may send the registry (`OutboundPolicy`).
    public var outbound = OutboundPolicy()

    /// The base of absolute links in answer to `request`: `publicURL`, else `http://` and its `Host`.
    func baseURL(_ request: HTTPRequest) -> String {
        publicURL ?? "http://" + (request.headers["Host"] ?? "localhost")
    }

    public init(
        publicURL: String? = nil, ocpiRequiresToken: Bool = false, licence: String = "CC-BY-4.0",
        quality: QualityRulebook = .standard, clock: RegistryClock = .system
    ) {
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.ocpiRequiresToken = ocpiRequiresToken
        self.licence = licence
        self.quality = quality
        self.clock = clock
    }
}
