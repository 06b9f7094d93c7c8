import Testing

@testable import CallGateAuth
@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// `allow_ips`, trusted proxies and `X-Forwarded-For`, and the IP/CIDR parser beneath them.
@Suite struct SourceAuthAddressTests {
    static let miitel = "{ allow_ips: [18.177.83.94/32, 35.73.236.241/32] }"

    static func failure(_ a: SourceAuthenticator, peer: String?, forwardedFor: [String] = []) -> GatewayError? {
        let headers = forwardedFor.map { (name: "X-Forwarded-For", value: $0) }
        return SourceAuthTests.failure(a, SourceAuthTests.request(headers, peer: peer))
    }

    // MARK: X-Forwarded-For

    @Test func forwardedForIsIgnoredWithoutATrustedProxy() throws {
        let a = try SourceAuthTests.authenticator(Self.miitel)
        #expect(Self.failure(a, peer: "18.177.83.94") == nil)
        let spoofed = try #require(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["18.177.83.94"]))
        #expect(spoofed == .forbidden("client address 10.0.0.5 is not in this source's allow_ips"))
        #expect(
            a.clientAddress(of: SourceAuthTests.request([("X-Forwarded-For", "18.177.83.94")], peer: "10.0.0.5"))
                == IPAddress("10.0.0.5"))
    }

    @Test func aTrustedProxyPassesOnTheClientAddress() throws {
        let a = try SourceAuthTests.authenticator(Self.miitel, trustedProxies: ["10.0.0.0/8", "'::1'"])
        #expect(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["18.177.83.94"]) == nil)
        #expect(Self.failure(a, peer: "::1", forwardedFor: [" 35.73.236.241 "]) == nil)
        // The proxy itself, without a forwarded address, is the client.
        #expect(Self.failure(a, peer: "10.0.0.5")?.status == 403)
        #expect(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["203.0.113.9"])?.status == 403)
    }

    @Test func theWalkSkipsTrustedProxiesFromTheRight() throws {
        let a = try SourceAuthTests.authenticator(Self.miitel, trustedProxies: ["10.0.0.0/8"])
        // vendor → edge proxy 10.1.1.1 → inner proxy 10.0.0.5 (the peer)
        #expect(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["18.177.83.94, 10.1.1.1"]) == nil)
        // Several headers are one list, in order.
        #expect(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["18.177.83.94", "10.1.1.1"]) == nil)
        // A client cannot pass itself off as MiiTel by writing the left end of the list.
        let spoofed = try #require(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["18.177.83.94, 203.0.113.9"]))
        #expect(spoofed.message == "client address 203.0.113.9 is not in this source's allow_ips")
        // When every hop is a trusted proxy, the leftmost is the client.
        let request = SourceAuthTests.request([("X-Forwarded-For", "10.9.9.9, 10.1.1.1")], peer: "10.0.0.5")
        #expect(a.clientAddress(of: request) == IPAddress("10.9.9.9"))
    }

    @Test(arguments: ["18.177.83.94, nonsense", "18.177.83.94,,10.1.1.1", "18.177.83.94:443", "[::1]", "unknown"])
    func aMalformedForwardedEntryMakesTheClientUnknown(forwardedFor: String) throws {
        let a = try SourceAuthTests.authenticator(Self.miitel, trustedProxies: ["10.0.0.0/8"])
        let failure = try #require(Self.failure(a, peer: "10.0.0.5", forwardedFor: [forwardedFor]))
        #expect(failure.status == 403)
        #expect(failure.code == "forbidden")
        #expect(failure.message.contains("unknown"))
    }

    @Test func aMalformedEntryLeftOfTheClientDoesNotMatter() throws {
        // Entries left of the first untrusted address come from the client and are never read.
        let a = try SourceAuthTests.authenticator(Self.miitel, trustedProxies: ["10.0.0.0/8"])
        #expect(Self.failure(a, peer: "10.0.0.5", forwardedFor: ["garbage, 18.177.83.94"]) == nil)
    }

    @Test func theAddressCheckAloneIgnoresCredentials() throws {
        // What a handshake (MiiTel's challenge) must pass: allow_ips, but no token.
        let a = try SourceAuthTests.authenticator("{ bearer: tok, allow_ips: [192.0.2.0/24] }")
        #expect(throws: Never.self) { try a.checkAddress(SourceAuthTests.request(peer: "192.0.2.1")) }
        #expect(throws: GatewayError.self) { try a.checkAddress(SourceAuthTests.request(peer: "198.51.100.1")) }
        #expect(SourceAuthTests.failure(a, SourceAuthTests.request(peer: "192.0.2.1"))?.status == 401)
    }

    @Test func noPeerOrAnUnreadablePeerIsForbidden() throws {
        let a = try SourceAuthTests.authenticator(Self.miitel)
        #expect(Self.failure(a, peer: nil)?.status == 403)
        #expect(Self.failure(a, peer: "18.177.83.94:5000")?.status == 403)
    }

    // MARK: IPv6 and IPv4-mapped

    @Test func ipv6BlocksMatchByPrefix() throws {
        let a = try SourceAuthTests.authenticator("{ allow_ips: ['2001:db8:aa00::/40', '2001:db8::7'] }")
        #expect(Self.failure(a, peer: "2001:db8:aaff:ffff::1") == nil)
        #expect(Self.failure(a, peer: "2001:DB8:AA00:0:0:0:0:1") == nil)
        #expect(Self.failure(a, peer: "2001:0db8:0000:0000:0000:0000:0000:0007") == nil)
        #expect(Self.failure(a, peer: "2001:db8:ab00::1")?.status == 403)
        #expect(Self.failure(a, peer: "2001:db8::8")?.status == 403)
        #expect(Self.failure(a, peer: "fe80::1%eth0")?.status == 403)
    }

    @Test func ipv4MappedAddressesAreIPv4() throws {
        let a = try SourceAuthTests.authenticator(Self.miitel)
        #expect(Self.failure(a, peer: "::ffff:18.177.83.94") == nil)
        #expect(Self.failure(a, peer: "::FFFF:12b1:535e") == nil)
        #expect(Self.failure(a, peer: "::ffff:18.177.83.95")?.status == 403)
        // Only the ::ffff:0:0/96 form is IPv4; the deprecated IPv4-compatible ::a.b.c.d is IPv6.
        #expect(Self.failure(a, peer: "::18.177.83.94")?.status == 403)
        let mappedBlock = try SourceAuthTests.authenticator("{ allow_ips: ['::ffff:192.0.2.0/120'] }")
        #expect(Self.failure(mappedBlock, peer: "192.0.2.200") == nil)
        #expect(Self.failure(mappedBlock, peer: "192.0.3.1")?.status == 403)
    }

    @Test func ipv6BlocksDoNotAdmitIPv4ClientsNorTheReverse() throws {
        let v6 = try SourceAuthTests.authenticator("{ allow_ips: ['::/0'] }")
        #expect(Self.failure(v6, peer: "2001:db8::1") == nil)
        #expect(Self.failure(v6, peer: "192.0.2.1")?.status == 403)
        let v4 = try SourceAuthTests.authenticator("{ allow_ips: [0.0.0.0/0] }")
        #expect(Self.failure(v4, peer: "192.0.2.1") == nil)
        #expect(Self.failure(v4, peer: "2001:db8::1")?.status == 403)
    }

    // MARK: Parser

    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("1::", "1::"), ("2001:DB8::0:1", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::ffff:192.0.2.1", "192.0.2.1"), ("64:ff9b::192.0.2.1", "64:ff9b::c000:201"),
        ("fe80::1:2:3:4", "fe80::1:2:3:4"),
    ])
    func validAddressesParseAndPrintCanonically(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ", "a.b.c.d",
        ":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:", "::g", "1.2.3.4::", "::1.2.3", "::1.2.3.4:5", "fe80::1%eth0", "[::1]",
    ])
    func invalidAddressesAreRejected(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func networksContainExactlyTheirRange() throws {
        let block = try IPNetwork("192.0.2.128/25")
        #expect(block.contains(try #require(IPAddress("192.0.2.128"))))
        #expect(block.contains(try #require(IPAddress("192.0.2.255"))))
        #expect(!block.contains(try #require(IPAddress("192.0.2.127"))))
        #expect(!block.contains(try #require(IPAddress("192.0.3.128"))))
        let single = try IPNetwork("2001:db8::1")
        #expect(single.description == "2001:db8::1/128")
        #expect(!single.contains(try #require(IPAddress("2001:db8::2"))))
        let wide = try IPNetwork("2001:db8::/31")
        #expect(wide.contains(try #require(IPAddress("2001:db9:ffff::"))))
        #expect(!wide.contains(try #require(IPAddress("2001:dba::"))))
        #expect(try IPNetwork("::ffff:10.0.0.0/104").description == "10.0.0.0/8")
    }
}
