import RegistryCore
import Storage
import TestDatabases
import Testing

@testable import AccessPoint

/// Where the access point may be sent (issue #19, item 9): the local networks outside
/// development, and the networks a deployment denies besides.
@Suite struct OutboundPolicyTests {
    @Test func networksAreReadAsCIDRAndMatchTheirAddresses() throws {
        let local = IPNetwork.local
        for address in ["127.0.0.1", "127.255.0.9", "::ffff:127.0.0.2", "169.254.169.254", "fe80::1", "febf::1", "::1"]
        {
            #expect(local.contains { $0.contains(address) }, "\(address)")
        }
        for address in ["203.0.113.7", "2001:db8::1", "fec0::1", "128.0.0.1", "::2", "not an address", ""] {
            #expect(!local.contains { $0.contains(address) }, "\(address)")
        }
        let ministry = try #require(IPNetwork("10.20.0.0/14"))
        #expect(ministry.contains("10.23.255.255") && !ministry.contains("10.24.0.0") && !ministry.contains("::1"))
        #expect(try #require(IPNetwork("0.0.0.0/0")).contains("198.51.100.1"))
        #expect(try #require(IPNetwork("192.0.2.7")).contains("192.0.2.7"))
        #expect(!(try #require(IPNetwork("192.0.2.7")).contains("192.0.2.8")))
        #expect(try #require(IPNetwork("fd00::/8")).contains("fd12:3456::1"))
        for bad in [
            "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/0008", "x/8", "",
            "10.0.0.0\u{0}/8", "10.0.0.256/8",
        ] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func aDeniedNetworkIsNotCalledEvenInDevelopment() async throws {
        let policy = OutboundPolicy(
            allowsLocalAddresses: true, deniedNetworks: [try #require(IPNetwork("127.0.0.0/8"))])
        #expect(
            await policy.refusal(of: "http://127.0.0.1:9/ocpi/versions")
                == "127.0.0.1 is 127.0.0.1, in 127.0.0.0/8, a network this access point does not call")
        #expect(await policy.refusal(of: "http://[::1]:9/ocpi/versions") == nil)
        #expect(await OutboundPolicy(allowsLocalAddresses: true).refusal(of: "http://127.0.0.1:9/") == nil)
        let refusal = await OutboundPolicy().refusal(of: "http://localhost:1/x")
        #expect(refusal?.hasSuffix("a loopback, link-local or unspecified address") == true, "\(refusal ?? "")")
        #expect(await OutboundPolicy().refusal(of: "gopher://example.org/") == "only http and https URLs are called")
    }

    /// A feed a peer's handshake made is held to the policy at every pull, not only at
    /// registration; a feed the office added is the office's word.
    @Test func aPeersFeedIsCheckedAtEveryPull() async throws {
        try await TestBackend.sqlite.withStore { source, _ in
            _ = try await OCPISenderTests.ingest(source, OCPISenderTests.feed([1, 2]))
            let server = try OCPISenderTests.serve(source)
            try await TestBackend.sqlite.withStore { store, _ in
                let versions = "http://127.0.0.1:\(server.port)/ocpi/versions"
                let vlt = try PartyCode(parsing: "CL*VLT")
                _ = try await store.register.savePeer(
                    PeerEndpoints(
                        theirToken: "token-b", versionsURL: versions, ocpiVersion: "2.2.1",
                        credentialsURL: "http://127.0.0.1:\(server.port)/ocpi/2.2.1/credentials",
                        locationsSender: "http://127.0.0.1:\(server.port)/ocpi/2.2.1/sender/locations",
                        roles: [OCPIPeer.Role(role: "CPO", party: vlt)], businessName: "Voltaje"),
                    direction: .inbound, token: .issue(hash: "h", parties: [vlt]), actor: "test")
                let peerFeed = try #require(try await store.register.feed(of: vlt))
                #expect(peerFeed.peerID != nil)
                let refused = await FeedPuller(store: store).pull(peerFeed, kind: .full)
                #expect(refused.report == nil)
                #expect(refused.error?.contains("a loopback, link-local or unspecified address") == true)
                let development = FeedPuller(store: store, outbound: OutboundPolicy(allowsLocalAddresses: true))
                #expect(await development.pull(peerFeed, kind: .full).report?.run.summary.created == 2)

                let officeFeed = try await store.register.saveFeed(
                    party: vlt, versionsURL: versions, token: nil, ocpiVersion: "2.2.1", deltaMinutes: 5, fullHours: 24,
                    actor: "office")
                #expect(officeFeed.peerID == nil)
                #expect(await FeedPuller(store: store).pull(officeFeed, kind: .full).report != nil)
            }
            await server.shutdown()
        }
    }
}
