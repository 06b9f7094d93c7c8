import CallGateFoundation
import CallGateMapping
import CallGateModel
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// `expires_in` from a token endpoint is a peer's number: clamped to 0…1 year, never trapping.
@Suite struct OAuth2TokenLifetimeTests {
    static let year: Double = 365 * 86_400

    @Test(arguments: [
        (#"{"access_token":"t","expires_in":3600}"#, 3600.0),
        (#"{"access_token":"t","expires_in":"3599"}"#, 3599),
        (#"{"access_token":"t"}"#, 3600),
        (#"{"access_token":"t","expires_in":null}"#, 3600),
        (#"{"access_token":"t","expires_in":1e300}"#, year),
        (#"{"access_token":"t","expires_in":"1e300"}"#, year),
        (#"{"access_token":"t","expires_in":99999999999999999999999}"#, year),
        (#"{"access_token":"t","expires_in":-5}"#, 0),
        (#"{"access_token":"t","expires_in":"abc"}"#, 0),
        (#"{"access_token":"t","expires_in":"NaN"}"#, 0),
        (#"{"access_token":"t","expires_in":"inf"}"#, year),
        (#"{"access_token":"t","expires_in":"-inf"}"#, 0),
        (#"{"access_token":"t","expires_in":true}"#, 0),
        (#"{"access_token":"t","expires_in":{"seconds":5}}"#, 0),
        (#"{"access_token":"t","expires_in":0.5}"#, 0.5),
    ])
    func hostileLifetimesAreClamped(answer: String, seconds: Double) throws {
        let json = try JSONParser.parse(Array(answer.utf8))
        let lifetime = OAuth2TokenCache.lifetime(json["expires_in"])
        #expect(lifetime == seconds)
        // What the cache does with it must not trap either.
        let usable = max(0, lifetime - min(60, lifetime / 10))
        let start = ContinuousClock.now
        #expect(start + .milliseconds(Int64(usable * 1000)) >= start)
    }
}
