/// A string as a JSON string literal (RFC 8259 §7): quotes, backslashes and every control
/// character escaped, so that the server's own bodies and log lines are valid JSON whatever a
/// request contained. The text is a Swift `String`, so it is valid UTF-8 already (bytes that
/// were not are U+FFFD by then).
enum JSONStringLiteral {
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
