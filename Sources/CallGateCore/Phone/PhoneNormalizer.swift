/// Normalizes the telephone numbers vendors send (SPEC §3.4). Placeholder: being written.
public enum PhoneNormalizer {
    public static func normalize(_ raw: String, defaultRegion: String) -> PhoneNumber {
        PhoneNumber(raw: raw, e164: nil, region: nil, valid: false, extension: nil, presentation: .allowed)
    }
}
