import CallGateFoundation
import CallGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CallGateServer

/// The admin and metrics tokens are middleware on their route groups: the answers are exact, carry
/// the request id like every answer, and follow the configuration in use (a reload changes them).
@Suite struct TokenMiddlewareTests {
    static let adminOff = #"{"error":{"code":"not_found","message":"the admin API is off: set admin.token"}}"#
    static let adminRefused =
        #"{"error":{"code":"unauthorized","message":"the admin API needs Authorization: Bearer <admin.token>"}}"#
    static let metricsRefused =
        #"{"error":{"code":"unauthorized","message":"the metrics need Authorization: Bearer <metrics.token>"}}"#

    @Test func theAnswersAreExactAndCarryTheRequestId() async throws {
        let h = try GatewayHarness.make(yaml: AdminAPITests.yaml + "\nmetrics: { token: metrics-s3cret }\n")
        try await h.test { client in
            for uri in ["/v1/admin/sinks", "/v1/admin/deliveries/7", "/v1/admin/calls/call_x"] {
                let refused = try await client.execute(
                    uri: uri, method: .get, headers: [RequestIDMiddleware.header: "r-1"])
                #expect(refused.status == .unauthorized)
                #expect(refused.text == Self.adminRefused)
                #expect(refused.headers[.contentType] == "application/json")
                #expect(refused.headers[.wwwAuthenticate] == "Bearer")
                #expect(refused.headers[RequestIDMiddleware.header] == "r-1")
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text == Self.metricsRefused)
            #expect(metrics.headers[.wwwAuthenticate] == "Bearer")
            #expect(metrics.headers[RequestIDMiddleware.header] != nil)
            // An unknown admin path is the router's 404, token or not.
            let unknown = try await client.execute(uri: "/v1/admin/nothing", method: .get)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")
        }
        try await GatewayHarness.make().test { client in
            let off = try await client.execute(uri: "/v1/admin/sinks", method: .get, headers: AdminAPITests.admin)
            #expect(off.status == .notFound)
            #expect(off.text == Self.adminOff)
            #expect(off.headers[.wwwAuthenticate] == nil)
        }
    }

    /// Handler errors become answers inside the group: a bad parameter is a 400 in the admin
    /// API's error shape.
    @Test func handlerErrorsAreAnsweredInTheGroup() async throws {
        let h = try GatewayHarness.make(yaml: AdminAPITests.yaml)
        try await h.test { client in
            let bad = try await client.execute(
                uri: "/v1/admin/deliveries/x", method: .get, headers: AdminAPITests.admin)
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "bad_request")
            let missing = try await client.execute(
                uri: "/v1/admin/deliveries/99", method: .get, headers: AdminAPITests.admin)
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
        }
    }

    @Test func aReloadChangesTheTokenForTheNextRequest() async throws {
        let h = try GatewayHarness.make(yaml: AdminAPITests.yaml)
        try await h.test { client in
            #expect(
                try await client.execute(uri: "/v1/admin/sinks", method: .get, headers: AdminAPITests.admin).status
                    == .ok)
            try AdminAPITests.yaml.replacingOccurrences(of: AdminAPITests.token, with: "rotated-token").write(
                to: h.configFile, atomically: true, encoding: .utf8)
            #expect(h.gateway.reload { try h.load() } == nil)
            #expect(
                try await client.execute(uri: "/v1/admin/sinks", method: .get, headers: AdminAPITests.admin).status
                    == .unauthorized)
            #expect(
                try await client.execute(
                    uri: "/v1/admin/sinks", method: .get, headers: [.authorization: "Bearer rotated-token"]
                ).status == .ok)
        }
    }
}
