#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 network in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3), such as
/// `10.0.0.0/8` or `fd00::/8`; a bare address is a network of one. Outbound calls are refused
/// to addresses in the networks a deployment denies (`OutboundPolicy`).
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The network's address: 4 bytes (IPv4) or 16 (IPv6).
    let address: [UInt8]
    let prefixLength: Int
    public let description: String

    /// Parses `text`, or nil when it is no address or its prefix length is out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard parts[1].count <= 3, let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
        description = text
    }

    /// Loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10) and unspecified
    /// (0.0.0.0/8, ::) addresses (RFC 6890): where no outsider should send the registry.
    public static let local = ["127.0.0.0/8", "0.0.0.0/8", "169.254.0.0/16", "::1/128", "::/128", "fe80::/10"]
        .compactMap(IPNetwork.init)

    /// Whether the address `text` is in this network; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`)
    /// is read as the IPv4 address it maps.
    public func contains(_ text: String) -> Bool {
        guard let candidate = Self.bytes(of: text), candidate.count == address.count else { return false }
        var remaining = prefixLength
        for index in address.indices where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if candidate[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address in text, IPv4-mapped IPv6 addresses as IPv4.
    static func bytes(of text: String) -> [UInt8]? {
        guard text.utf8.count <= 64, !text.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }
}
