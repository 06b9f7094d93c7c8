import CallGateFoundation

/// How loosely-typed values become canonical ones while a record is read: vendor strings in time
/// fields are ISO 8601 (offset-less ones in `zone`), phone strings are normalized with `region`.
public struct CoercionContext: Sendable {
    public var region: String
    public var zone: TimeZoneSpec?
    let phones = PhoneMemo()

    public init(region: String, zone: TimeZoneSpec? = nil) {
        self.region = region
        self.zone = zone
    }

    /// Normalizes with the context's region; a payload names the same number several times (`to`,
    /// `customer.phone`, the participant), so results are remembered for the payload.
    func phone(_ raw: String) -> PhoneNumber {
        phones.normalize(raw, region: region)
    }
}

/// Phone numbers already normalized while reading one payload. Not shared across threads: each
/// `CompiledMapping.events` call makes its own context.
final class PhoneMemo: @unchecked Sendable {
    private var entries: [(raw: String, region: String, number: PhoneNumber)] = []

    func normalize(_ raw: String, region: String) -> PhoneNumber {
        for entry in entries where entry.raw == raw && entry.region == region { return entry.number }
        let number = PhoneNormalizer.normalize(raw, defaultRegion: region)
        if entries.count < 16 { entries.append((raw, region, number)) }
        return number
    }
}
