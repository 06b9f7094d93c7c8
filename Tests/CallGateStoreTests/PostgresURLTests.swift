import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import Testing

@testable import CallGateStore

/// `store.postgres` URLs: every libpq `sslmode` is understood, a trusted root is read from
/// `sslrootcert`, and mistakes are errors that never show the password.
@Suite struct PostgresURLTests {
    @Test(arguments: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
    func everySSLModeIsUnderstood(_ mode: String) throws {
        let target = try PostgresStore.Target(url: "postgres://app:s3cret@db.internal:6543/calls?sslmode=\(mode)")
        #expect(target.host == "db.internal" && target.port == 6543 && target.database == "calls")
        #expect(target.password == "s3cret")
    }

    @Test func anUnknownModeOrAnUnreadableRootIsAClearError() throws {
        let unknown = #expect(throws: StoreError.self) {
            try PostgresStore.Target(url: "postgres://app:s3cret@db/calls?sslmode=verify_full")
        }
        #expect("\(unknown!)".contains("verify-full"))
        #expect(!"\(unknown!)".contains("s3cret"))
        let missing = #expect(throws: StoreError.self) {
            try PostgresStore.Target(
                url: "postgres://app:s3cret@db/calls?sslmode=verify-full&sslrootcert=/nonexistent/root.crt")
        }
        #expect("\(missing!)".contains("sslrootcert /nonexistent/root.crt cannot be read"))
    }
}
