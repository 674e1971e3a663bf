/// The `status_code` of an OCPI response envelope (OCPI 2.2.1 §5: 1xxx success, 2xxx client
/// errors, 3xxx server errors), named so that a refusal reads as what it means.
public enum OCPIStatus: Int, Sendable {
    case success = 1000
    /// A client error with no more precise code.
    case genericClientError = 2000
    case invalidOrMissingParameters = 2001
    case notEnoughInformation = 2002
    case unknownLocation = 2003
    case unknownToken = 2004
    /// A server error with no more precise code.
    case genericServerError = 3000
    /// The server could not use the client's API (its versions, its credentials).
    case unableToUseClientAPI = 3001
    case unsupportedVersion = 3002
    /// The parties have no matching endpoints, or an expected one is missing.
    case noMatchingEndpoints = 3003
}
