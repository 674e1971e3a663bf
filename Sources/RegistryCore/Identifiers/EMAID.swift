/// A contract ID (EMAID) in the ISO 15118-2 Annex H grammar:
/// `<Country> [-] <Provider ID> [-] <Instance(9)> [-] [<Check digit>]`, e.g. `NL-TNM-C00122045-K`.
/// Hyphens are optional but, when used, used at every place; case-insensitive.
public struct EMAID: Sendable, Hashable, CustomStringConvertible {
    public let provider: PartyCode
    /// Nine upper-case alphanumerics.
    public let instance: String
    /// The check digit when given (it is then verified).
    public let checkDigit: Character?

    public init(parsing text: String) throws(EMAIDError) {
        var bytes = Array(text.utf8)
        let hyphenated = bytes.count > 2 && bytes[2] == UInt8(ascii: "-")
        if hyphenated {
            guard bytes.count == 16 || bytes.count == 18,
                bytes[6] == UInt8(ascii: "-"), bytes.count == 16 || bytes[16] == UInt8(ascii: "-")
            else { throw .syntax(text) }
            bytes.removeAll { $0 == UInt8(ascii: "-") }
        }
        guard bytes.count == 14 || bytes.count == 15, bytes.allSatisfy(IdentifierSyntax.isAlphanumeric),
            IdentifierSyntax.isAlpha(bytes[0]), IdentifierSyntax.isAlpha(bytes[1])
        else { throw .syntax(text) }
        let upper = IdentifierSyntax.upperString(bytes)
        do { provider = try PartyCode(parsing: String(upper.prefix(5))) } catch { throw .syntax(text) }
        instance = String(upper.dropFirst(5).prefix(9))
        if bytes.count == 15 {
            let given = upper.last!
            let expected = Self.checkDigit(for: String(upper.prefix(14)))!
            guard given == expected else { throw .checkDigitMismatch(text, expected: expected) }
            checkDigit = given
        } else {
            checkDigit = nil
        }
    }

    /// `NL-TNM-C00122045-K`.
    public var description: String {
        "\(provider.countryCode)-\(provider.partyID)-\(instance)" + (checkDigit.map { "-\($0)" } ?? "")
    }

    /// The ISO 15118-2 Annex H check digit of 14 characters (country + provider + instance), or
    /// nil if they are not 14 alphanumerics. A 2×2-matrix code over GF(2) and GF(3).
    public static func checkDigit(for text: String) -> Character? {
        let bytes = text.utf8.map(IdentifierSyntax.upper)
        guard bytes.count == 14, bytes.allSatisfy(IdentifierSyntax.isAlphanumeric) else { return nil }
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let codes = [
            0, 16, 32, 4, 20, 36, 8, 24, 40, 2, 18, 34, 6, 22, 38, 10, 26, 42, 1, 17, 33, 5, 21, 37, 9, 25, 41, 3, 19,
            35, 7, 23, 39, 11, 27, 43,
        ]
        // Powers of P1 = [[0,1],[1,1]] mod 2 and P2 = [[0,1],[1,2]] mod 3, as (a, b, c, d).
        var p1 = (0, 1, 1, 1)
        var p2 = (0, 1, 1, 2)
        var t1 = (0, 0)
        var t2 = (0, 0)
        for (position, byte) in bytes.enumerated() {
            if position > 0 {
                p1 = (
                    (p1.0 * 0 + p1.1 * 1) % 2, (p1.0 * 1 + p1.1 * 1) % 2, (p1.2 * 0 + p1.3 * 1) % 2,
                    (p1.2 * 1 + p1.3 * 1) % 2
                )
                p2 = (
                    (p2.0 * 0 + p2.1 * 1) % 3, (p2.0 * 1 + p2.1 * 2) % 3, (p2.2 * 0 + p2.3 * 1) % 3,
                    (p2.2 * 1 + p2.3 * 2) % 3
                )
            }
            let v = codes[alphabet.firstIndex(of: byte)!]
            let (q11, q12, q21, q22) = (v & 1, (v >> 1) & 1, (v >> 2) & 3, v >> 4)
            t1 = ((t1.0 + q11 * p1.0 + q12 * p1.2) % 2, (t1.1 + q11 * p1.1 + q12 * p1.3) % 2)
            t2 = ((t2.0 + q21 * p2.0 + q22 * p2.2) % 3, (t2.1 + q21 * p2.1 + q22 * p2.3) % 3)
        }
        // t2 · [[0,2],[2,1]] (which is −P2⁻¹⁵).
        t2 = ((t2.1 * 2) % 3, (t2.0 * 2 + t2.1) % 3)
        let code = t1.0 + 2 * t1.1 + 4 * t2.0 + 16 * t2.1
        return Character(Unicode.Scalar(alphabet[codes.firstIndex(of: code)!]))
    }

    /// The DIN SPEC 91286 EVCO-ID check digit of 11 characters (country + provider + 6-character
    /// instance): `0`–`9` or `X`; nil if they are not 11 alphanumerics.
    public static func dinCheckDigit(for text: String) -> Character? {
        let bytes = text.utf8.map(IdentifierSyntax.upper)
        guard bytes.count == 11, bytes.allSatisfy(IdentifierSyntax.isAlphanumeric) else { return nil }
        var sum = 0
        var exponent = 0
        for byte in bytes {
            let value = IdentifierSyntax.isDigit(byte) ? Int(byte) - 0x30 : Int(byte) - 0x41 + 10
            if value < 10 {
                sum += value << exponent
                exponent += 1
            } else {
                sum += (value / 10) << exponent + (value % 10) << (exponent + 1)
                exponent += 2
            }
        }
        let digit = sum % 11
        return digit == 10 ? "X" : Character(String(digit))
    }
}

/// Why a text is not an EMAID.
public enum EMAIDError: Error, Sendable, Equatable, CustomStringConvertible {
    case syntax(String)
    case checkDigitMismatch(String, expected: Character)

    public var description: String {
        switch self {
        case .syntax(let text): "'\(text)' is not an EMAID (CC-PPP-IIIIIIIII-D, ISO 15118-2 Annex H)"
        case .checkDigitMismatch(let text, let expected): "'\(text)' has a wrong check digit; expected \(expected)"
        }
    }
}
