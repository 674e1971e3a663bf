import Foundation
import Storage
import Testing

@testable import AccessPoint

/// Every token the registry issues may be carried by OCPI, whose credentials token is at most 64
/// characters (OCPI 2.2.1 §7.3.1), and keeps 256 bits of randomness.
@Suite struct AccessTokenTests {
    @Test func everyKindOfTokenFitsOCPIAndIsUnguessable() {
        let prefixes = ["cr_app_", "cr_op_", "cr_ocpi_"] + TokenRole.allCases.map { "cr_\($0.rawValue)_" }
        for prefix in prefixes {
            let token = AccessToken.generate(prefix: prefix)
            #expect(token.hasPrefix(prefix) && token.count <= AccessToken.maximumOCPILength, "\(token)")
            let random = token.dropFirst(prefix.count)
            var padded = random.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            padded += String(repeating: "=", count: (4 - padded.count % 4) % 4)
            #expect(Data(base64Encoded: padded)?.count == 32, "\(token)")
        }
        #expect(AccessToken.generateOCPI().count <= AccessToken.maximumOCPILength)
        #expect(AccessToken.generate(prefix: "cr_op_") != AccessToken.generate(prefix: "cr_op_"))
    }
}
