import JSON
import Storage

/// Why an ingest of a file stopped. Whatever the reason, the database is left exactly as it was
/// before the file (one transaction per file).
public enum IngestError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case malformedJSON(path: String, JSONSyntaxError)
    case store(path: String, StoreError)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
        case .malformedJSON(let path, let error): "\(path): malformed JSON: \(error); nothing from this file was stored"
        case .store(let path, .commitUncertain(let message)):
            "\(path): \(StoreError.commitUncertain(message))"
        case .store(let path, let error): "\(path): \(error); nothing from this file was stored"
        }
    }
}
