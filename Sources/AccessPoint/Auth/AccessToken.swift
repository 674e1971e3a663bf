import Foundation
import HTTPServer
import Hashing
import Storage

/// Bearer secrets (DESIGN.md, security model): 256 bits from the system's CSPRNG (getrandom on
/// Linux), shown once, stored only as their SHA-256, and compared in constant time.
public enum AccessToken {
    /// A new secret: `prefix` then 64 hex digits (`cr_office_…`, so a leaked one is recognisable).
    public static func generate(prefix: String) -> String { generate(prefix: prefix, bytes: 32) }

    /// A token for an OCPI credentials object, whose `token` is at most 64 characters (OCPI
    /// 2.2.1 §7.3.1): `cr_ocpi_` and 192 random bits in 48 hex digits.
    public static func generateOCPI() -> String { generate(prefix: "cr_ocpi_", bytes: 24) }

    private static func generate(prefix: String, bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
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

    /// The OCPI token of `Authorization: Token …`: what was sent, and its Base64 decoding when it
    /// has one (ocpi.md §4.3: 2.2+ peers encode, 2.1.1 and many others do not; try both).
    static func presentedOCPI(in request: HTTPRequest) -> [String]? {
        guard let presented = presented(in: request) else { return nil }
        var secrets = [presented]
        if let data = Data(base64Encoded: presented), let decoded = String(data: data, encoding: .utf8),
            !decoded.isEmpty
        {
            secrets.append(decoded)
        }
        return secrets
    }

    /// The live token record one of `secrets` opens, compared in constant time, and that secret.
    static func record(for secrets: [String], in register: PartyRegister) async throws -> (TokenRecord, String)? {
        for secret in secrets {
            if let token = try await register.token(hash: hash(secret)), matches(secret, storedHash: token.hash) {
                return (token, secret)
            }
        }
        return nil
    }
}
