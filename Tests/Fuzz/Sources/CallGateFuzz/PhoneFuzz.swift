import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// `phone`: a raw number as vendors send it, normalized in a region chosen by the first byte.
enum PhoneFuzz {
    static let regions = ["JP", "CN", "US", "GB", "DE", "FR", "KR", "IN", "AU", "BR", "ZZ", ""]

    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let region = regions[Int(selector) % regions.count]
        let number = PhoneNormalizer.normalize(text(Array(bytes.dropFirst())), defaultRegion: region)
        // Not idempotent by design: libphonenumber, the oracle, reads AU `0018018` as +61018018 (a
        // kept leading zero) and `+61018018` as +6118018, and so does the normalizer.
        if let e164 = number.e164 {
            invariant(
                e164.utf8.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && e164.hasPrefix("+"),
                "e164 that is not + and digits: \(e164)")
            invariant(number.valid, "an e164 number not marked valid")
        }
    }
}
