#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Where the access point may be sent by a caller it does not control. A peer registering by the
/// credentials handshake names the URLs the registry then calls (its versions, its credentials,
/// its Sender); pointed at the registry's own host or at link-local addresses (cloud metadata
/// services live at 169.254.169.254) those calls would reach what no outsider should. Such
/// addresses are refused unless the deployment is a development one (`serve
/// --allow-local-peers`, and the tests). Only http and https are called at all.
public struct OutboundPolicy: Sendable {
    /// Loopback, link-local and unspecified addresses may be called.
    public var allowsLocalAddresses = false

    public init(allowsLocalAddresses: Bool = false) { self.allowsLocalAddresses = allowsLocalAddresses }

    /// Why `url` may not be called, or nil: its scheme, or an address its host resolves to.
    public func refusal(of url: String) async -> String? {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else { return "\(url) is not a URL" }
        if let problem = Self.schemeProblem(of: parsed) { return problem }
        guard !allowsLocalAddresses else { return nil }
        let addresses = await Self.resolve(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        if addresses.isEmpty { return "\(host) does not resolve" }
        if let local = addresses.first(where: Self.isLocal) {
            return "\(host) is \(local), a loopback, link-local or unspecified address"
        }
        return nil
    }

    /// Why `url` is not called whoever gave it: a scheme other than http and https (OCPI 2.2.1
    /// §4.1: HTTPS; plain HTTP for tests and behind a proxy).
    static func schemeProblem(of url: URL) -> String? {
        ["http", "https"].contains(url.scheme?.lowercased() ?? "") ? nil : "only http and https URLs are called"
    }

    /// Loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10) and unspecified
    /// (0.0.0.0/8, ::) addresses, IPv4-mapped ones included (RFC 6890).
    static func isLocal(_ address: String) -> Bool {
        var text = address.lowercased()
        if text.hasPrefix("::ffff:") && text.contains(".") { text = String(text.dropFirst(7)) }
        if text.contains(".") {
            let first = text.split(separator: ".").first.flatMap { Int($0) } ?? -1
            return first == 127 || first == 0 || text.hasPrefix("169.254.")
        }
        return text == "::1" || text == "::" || text.hasPrefix("fe8") || text.hasPrefix("fe9")
            || text.hasPrefix("fea") || text.hasPrefix("feb")
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
