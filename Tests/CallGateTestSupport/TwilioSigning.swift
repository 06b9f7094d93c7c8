import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateReceive
import TwilioAdapter

extension TwilioSignature {
    /// What Twilio sends in `X-Twilio-Signature` for a request to `url` signed with `authToken`:
    /// the adapter's own verifier, signing as Twilio would.
    public static func signature(authToken: String, url: String, rawQuery: String?, body: [UInt8]) throws -> String {
        let settings = CallGateConfig.VendorSignature(secrets: [Secret(authToken)], url: url)
        guard let verifier = try TwilioAdapter().signatureVerifier(settings) else {
            throw MessageError("the Twilio adapter has no signature verifier")
        }
        return verifier.signature(of: InboundRequest(rawQuery: rawQuery, body: body), key: authToken)
    }
}
