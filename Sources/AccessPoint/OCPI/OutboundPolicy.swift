#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Where the access point may be sent by a caller it does not control. A peer registering by the
/// credentials handshake names the URLs the registry then calls (its versions, its credentials,
/// its Sender); pointed at the registry's own host or at link-local addresses (cloud metadata
/// services live at 169.254.169.254) those calls would reach what no outsider should. Such
/// addresses are refused unless the deployment is a development one (`serve
/// --allow-local-peers`, and the tests), and so are the networks a deployment denies besides
/// (`serve --deny-networks`, e.g. the ministry's own). Only http and https are called at all.
public struct OutboundPolicy: Sendable {
    /// Loopback, link-local and unspecified addresses may be called.
    public var allowsLocalAddresses = false
    /// Networks never called, besides the local ones.
    public var deniedNetworks: [IPNetwork] = []

    public init(allowsLocalAddresses: Bool = false, deniedNetworks: [IPNetwork] = []) {
        self.allowsLocalAddresses = allowsLocalAddresses
        self.deniedNetworks = deniedNetworks
    }

    /// Why `url` may not be called, or nil: its scheme, or an address its host resolves to.
    public func refusal(of url: String) async -> String? {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else { return "\(url) is not a URL" }
        if let problem = Self.schemeProblem(of: parsed) { return problem }
        guard !allowsLocalAddresses || !deniedNetworks.isEmpty else { return nil }
        let addresses = await Self.resolve(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        if addresses.isEmpty { return "\(host) does not resolve" }
        for address in addresses {
            if let network = deniedNetworks.first(where: { $0.contains(address) }) {
                return "\(host) is \(address), in \(network), a network this access point does not call"
            }
            if !allowsLocalAddresses, IPNetwork.local.contains(where: { $0.contains(address) }) {
                return "\(host) is \(address), a loopback, link-local or unspecified address"
            }
        }
        return nil
    }

    /// Why `url` is not called whoever gave it: a scheme other than http and https (OCPI 2.2.1
    /// §4.1: HTTPS; plain HTTP for tests and behind a proxy).
    static func schemeProblem(of url: URL) -> String? {
        ["http", "https"].contains(url.scheme?.lowercased() ?? "") ? nil : "only http and https URLs are called"
    }

    /// The addresses `host` resolves to, looked up on a thread of its own (getaddrinfo blocks).
    static func resolve(_ host: String) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else { return continuation.resume(returning: []) }
                defer { freeaddrinfo(list) }
                var addresses: [String] = []
                var entry = list
                while let info = entry?.pointee {
                    var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(
                        info.ai_addr, info.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0
                    {
                        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                        addresses.append(String(decoding: bytes, as: UTF8.self))
                    }
                    entry = info.ai_next
                }
                continuation.resume(returning: addresses)
            }.start()
        }
    }
}
