import HTTPServer
import Hashing

/// Bearer secrets (DESIGN.md, security model): 256 bits from the system's CSPRNG (getrandom on
/// Linux), shown once, stored only as their SHA-256, and compared in constant time.
public enum AccessToken {
    /// A new secret: `prefix` then 64 hex digits (`cr_office_…`, so a leaked one is recognisable).
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + SHA256.hex(bytes)
    }

    /// The stored form of a secret: its SHA-256 in hex.
    public static func hash(_ secret: String) -> String { SHA256.hex(SHA256.hash(Array(secret.utf8))) }

    /// Whether `secret` hashes to `storedHash`, in time independent of where they differ.
    public static func matches(_ secret: String, storedHash: String) -> Bool {
        let computed = Array(hash(secret).utf8)
        let stored = Array(storedHash.utf8)
        guard computed.count == stored.count else { return false }
        var difference: UInt8 = 0
        for index in computed.indices { difference |= computed[index] ^ stored[index] }
        return difference == 0
    }

    /// The secret of an `Authorization: Bearer …` header (RFC 6750), or of OCPI's `Token …`.
    static func presented(in request: HTTPRequest) -> String? {
        guard let header = request.headers["Authorization"] else { return nil }
        for scheme in ["Bearer ", "Token "] where header.lowercased().hasPrefix(scheme.lowercased()) {
            let secret = header.dropFirst(scheme.count).filter { $0 != " " }
            return secret.isEmpty ? nil : String(secret)
        }
        return nil
    }
}
