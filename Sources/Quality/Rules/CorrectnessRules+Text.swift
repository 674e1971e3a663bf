import RegistryCore

/// K13's placeholders and interoperable address length, K7's postal code format and K20's phone numbers.
extension CorrectnessRules {
    /// Values that stand for "nothing" in real feeds.
    static let placeholders: Set<String> = [
        "", "-", "--", ".", "?", "0", "00", "000", "0000", "00000", "n/a", "na", "n.a.", "null", "none", "unknown",
        "test", "tbd", "todo", "xxx", "x",
    ]

    /// OCPI 2.1.1's and the 2.2.1 PDF's `address` length (ocpi.md §2.1 errata note).
    static let interoperableAddressLength = 45

    func checkText(_ location: Location, into findings: inout [Finding]) {
        if let address = location.address, address.count > Self.interoperableAddressLength {
            findings.append(
                Finding(
                    .addressLong, "address",
                    "\(address.count) characters; OCPI 2.1.1 and the 2.2.1 PDF allow \(Self.interoperableAddressLength), and receivers built to them refuse longer"
                ))
        }
        for (path, value) in [("name", location.name), ("address", location.address), ("city", location.city)] {
            guard let value else { continue }
            let folded = value.trimmingSpaces.lowercased()
            if Self.placeholders.contains(folded) {
                findings.append(Finding(.placeholderText, path, "\"\(value)\" is a placeholder, not a \(path)"))
            }
        }
        if let postalCode = location.postalCode, let alpha3 = location.country,
            let formats = PostalCodeFormats.byAlpha3[alpha3.uppercased()],
            !formats.contains(where: { PostalCodeFormats.matches(postalCode, $0) })
        {
            findings.append(
                Finding(
                    .postalCodeFormat, "postal_code",
                    "\"\(postalCode)\" is not a postal code of \(Country(alpha3: alpha3)?.name ?? alpha3) (\(formats.joined(separator: " or ")); N digit, A letter)"
                ))
        }
        if let phone = location.helpPhone, !Self.isE164(phone) {
            findings.append(
                Finding(
                    .phoneNotE164, "help_phone",
                    "\"\(phone)\" is not an E.164 number (+, country code, at most 15 digits)"))
        }
    }

    /// ITU-T E.164 in international form: `+`, a country code not starting with 0, 8 to 15 digits
    /// in all; spaces, hyphens, dots and parentheses between digits are tolerated (AFIR A5 as
    /// etalab reads it, registries.md §4.3 K20).
    static func isE164(_ text: String) -> Bool {
        var digits: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        guard bytes.popFirst() == UInt8(ascii: "+") else { return false }
        for byte in bytes {
            switch byte {
            case 0x30...0x39: digits.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            default: return false
            }
        }
        return (8...15).contains(digits.count) && digits.first != 0x30
    }
}

extension String {
    var trimmingSpaces: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
