/// The ids that name a record within its party: a location's `id`, an EVSE's `uid`, a
/// connector's `id`. OCPI types them CiString, printable ASCII of a bounded length (OCPI 2.2.1
/// §16.1 and §8.3); real feeds send longer ones and letters beyond ASCII, which the registry keeps
/// as sent and flags. What can never name a record is refused at every entry: a control
/// character (a NUL ends the text for C libraries and the stores behind them, so `A\u{0}B` would
/// land on `A`; others are invisible in every listing) and an id longer than 255 bytes.
public enum ObjectID {
    public static let maximumBytes = 255

    /// Why `text` cannot name a record, or nil when it can.
    public static func problem(_ text: String) -> String? {
        if let control = text.unicodeScalars.first(where: isControl) {
            let hex = String(control.value, radix: 16, uppercase: true)
            return "contains the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)"
        }
        if text.utf8.count > maximumBytes {
            return "is \(text.utf8.count) bytes long; an id has at most \(maximumBytes)"
        }
        return nil
    }

    /// Whether `text` is what OCPI's CiString allows: printable ASCII, U+0020 to U+007E.
    public static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// C0 controls, DEL and C1 controls (Unicode general category Cc).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
