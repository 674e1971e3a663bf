import JSON
import OCPI

/// A peer's version details (OCPI 2.2.1 §6.2; ocpi.md §5.1): the version chosen from its
/// versions endpoint and the module endpoints it lists for that version. Read by the pull
/// client to find a Sender and by the credentials handshake to find the peer's modules.
public struct OCPIVersionDetails: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public var identifier: String
        /// `SENDER`/`RECEIVER`; nil in 2.1.1, which has no interface roles.
        public var role: String?
        public var url: String
    }

    public var version: OCPIVersion
    public var endpoints: [Endpoint]

    /// The endpoint of `module` in `role` (any role for 2.1.1 peers, which state none).
    public func url(of module: String, role: String? = nil) -> String? {
        endpoints.first { endpoint in
            endpoint.identifier == module
                && (role == nil || endpoint.role == nil || endpoint.role == role)
        }?.url
    }

    /// Why a peer's versions could not be read or share nothing with ours.
    public struct DiscoveryError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Reads `versionsURL`, picks `wanted` (or the newest of `ours` the peer offers), and reads
    /// that version's details. Transport and envelope failures are thrown as `OCPICallError`.
    public static func fetch(
        _ versionsURL: String, wanted: OCPIVersion? = nil,
        ours: [OCPIVersion] = [.v2_3_0, .v2_2_1, .v2_2, .v2_1_1], client: OCPIClient
    ) async throws -> OCPIVersionDetails {
        guard case .array(let entries) = try await client.data(versionsURL) else {
            throw DiscoveryError(reason: "\(versionsURL) lists no versions")
        }
        let offered: [(OCPIVersion, String)] = entries.compactMap { entry in
            guard case .string(let text)? = entry["version"], case .string(let url)? = entry["url"],
                let version = OCPIVersion(text: text)
            else { return nil }
            return (version, url)
        }
        guard
            let (version, detailsURL) = wanted.map({ wanted in offered.first { $0.0 == wanted } })
                ?? ours.sorted(by: >).lazy.compactMap({ version in offered.first { $0.0 == version } }).first
        else {
            throw DiscoveryError(
                reason: "\(versionsURL) offers \(offered.map(\.0.rawValue).joined(separator: ", ")), not "
                    + (wanted?.rawValue ?? ours.map(\.rawValue).joined(separator: " or ")))
        }
        guard case .object(let details) = try await client.data(detailsURL),
            case .array(let listed)? = details["endpoints"]
        else { throw DiscoveryError(reason: "\(detailsURL) lists no endpoints") }
        let endpoints: [Endpoint] = listed.compactMap { endpoint in
            guard case .string(let identifier)? = endpoint["identifier"], case .string(let url)? = endpoint["url"]
            else { return nil }
            var role: String?
            if case .string(let text)? = endpoint["role"] { role = text.uppercased() }
            return Endpoint(identifier: identifier, role: role, url: url)
        }
        return OCPIVersionDetails(version: version, endpoints: endpoints)
    }
}
