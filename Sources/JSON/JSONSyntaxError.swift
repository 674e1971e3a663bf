/// Where and why a JSON text is not well formed (RFC 8259). Offsets count bytes from the start
/// of the input; lines and columns count from 1.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var byteOffset: Int
    public var line: Int
    public var column: Int

    public init(message: String, byteOffset: Int, line: Int, column: Int) {
        self.message = message
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
    }

    public var description: String { "\(message) at line \(line), column \(column) (byte offset \(byteOffset))" }
}
