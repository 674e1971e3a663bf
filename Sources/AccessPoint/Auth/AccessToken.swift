import Foundation
import HTTPServer
import Hashing
import Storage

/// Bearer secrets: 256 bits from the system's CSPRNG (getrandom on Linux), shown once, stored
/// only as their SHA-256, and compared in constant time. Every token fits OCPI's `string(64)`
/// for a credentials token (OCPI 2.2.1 §7.3.1), since any of them may be presented to a peer.
public enum AccessToken {
    /// A new secret: `prefix` (so that a leaked one is recognisable, e.g. `cr_office_`) then its
    /// 256 random bits as 43 characters of base64url (RFC 4648 §5, no padding).
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// A token for an OCPI credentials object.
    public static func generateOCPI() -> String { generate(prefix: "cr_ocpi_") }

    /// OCPI's limit for a credentials token, in characters.
    public static let maximumOCPILength = 64

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
