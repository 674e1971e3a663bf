import JSON
import RegistryCore

/// Writes a stored canonical location document (OCPI 2.3.0, as `LocationEncoder` wrote it with
/// the operator's timestamps) as 2.3.0 or 2.2.1 straight from its bytes: members only 2.3.0
/// defines are left out for 2.2.1, `last_updated` values are set as `LocationEncoder.Timestamps`
/// says, and a removed location's EVSEs say `REMOVED` (OCPI 2.2.1 §8.3.2: how a deletion
/// reaches receivers). The output equals decoding the document and encoding it again, at a
/// fraction of the cost: the export paths of issue #6 stream national datasets this way.
/// 2.1.1 renames and reshapes fields, so it goes through the decoder and encoder instead.
public struct CanonicalRewriter: Sendable {
    public let version: OCPIVersion

    /// nil for versions that need more than dropping members (2.1.1).
    public init?(version: OCPIVersion) {
        guard version == .v2_2_1 || version == .v2_3_0 else { return nil }
        self.version = version
    }

    private enum Level {
        case location, evse, connector

        /// 2.3.0 members 2.2.1 lacks (the `if v230` branches of `LocationEncoder`).
        var newIn230: [[UInt8]] {
            switch self {
            case .location: Self.locationNewIn230
            case .evse: Self.evseNewIn230
            case .connector: Self.connectorNewIn230
            }
        }

        private static let locationNewIn230 = [Array("parking_places".utf8), Array("help_phone".utf8)]
        private static let evseNewIn230 = [Array("parking".utf8), Array("accepted_service_providers".utf8)]
        private static let connectorNewIn230 = [Array("capabilities".utf8)]
    }

    private static let lastUpdated = Array("last_updated".utf8)
    private static let evses = Array("evses".utf8)
    private static let connectors = Array("connectors".utf8)
    private static let status = Array("status".utf8)

    /// Appends the document, rewritten, to `output`.
    public func write(
        _ document: [UInt8], timestamps: LocationEncoder.Timestamps, removed: Bool = false, to output: inout [UInt8]
    ) throws {
        let skimmer = JSONSkimmer(document)
        try write(skimmer.root(), .location, skimmer, timestamps, removed, &output)
    }

    private func write(
        _ object: Range<Int>, _ level: Level, _ skimmer: JSONSkimmer, _ timestamps: LocationEncoder.Timestamps,
        _ removed: Bool, _ out: inout [UInt8]
    ) throws {
        let bytes = skimmer.bytes
        var first = true
        var sawTimestamp = false
        var sawStatus = false
        out.append(UInt8(ascii: "{"))
        func key(_ key: Range<Int>) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: bytes[key])
            out.append(UInt8(ascii: ":"))
        }
        try skimmer.forEachMember(in: object) { keyRange, value in
            let name = bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)]
            if version == .v2_2_1, level.newIn230.contains(where: { $0.elementsEqual(name) }) { return }
            if name.elementsEqual(Self.lastUpdated) {
                sawTimestamp = true
                switch timestamps {
                case .omitted: return
                case .asSent:
                    key(keyRange)
                    // Written again to the millisecond: documents stored before issue #21 hold finer digits.
                    if let own = try skimmer.string(at: value).flatMap({ Timestamp.parse($0)?.timestamp }) {
                        Self.quoted(own, &out)
                    } else {
                        out.append(contentsOf: bytes[value])
                    }
                case .registry(let changedAt):
                    key(keyRange)
                    let own = try skimmer.string(at: value).flatMap { Timestamp.parse($0)?.timestamp }
                    Self.quoted(level == .location ? changedAt : min(own ?? changedAt, changedAt), &out)
                }
            } else if level == .evse, removed, name.elementsEqual(Self.status) {
                sawStatus = true
                key(keyRange)
                out.append(contentsOf: Array(#""REMOVED""#.utf8))
            } else if level != .connector,
                name.elementsEqual(level == .location ? Self.evses : Self.connectors)
            {
                key(keyRange)
                out.append(UInt8(ascii: "["))
                for (index, element) in try skimmer.elements(of: value).enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    try write(
                        element, level == .location ? .evse : .connector, skimmer, timestamps, removed, &out)
                }
                out.append(UInt8(ascii: "]"))
            } else {
                key(keyRange)
                out.append(contentsOf: bytes[value])
            }
        }
        if level == .evse, removed, !sawStatus {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: Array(#""status":"REMOVED""#.utf8))
        }
        if !sawTimestamp, case .registry(let changedAt) = timestamps {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array(#""last_updated":"#.utf8))
            Self.quoted(changedAt, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func quoted(_ timestamp: Timestamp, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: timestamp.description.utf8)
        out.append(UInt8(ascii: "\""))
    }
}
