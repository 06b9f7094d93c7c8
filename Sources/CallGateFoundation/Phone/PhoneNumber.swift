/// A telephone number as it appears in a call record (Docs/call-record.md, "Phone numbers").
///
/// `raw` is never dropped: it is what the vendor sent. `e164` is set only when the number is a
/// dialable public number; withheld markers and short internal extensions leave it `nil`.
public struct PhoneNumber: Sendable, Hashable {
    /// What the vendor sent, unchanged (`nil` only when the vendor sent an empty value).
    public var raw: String?
    /// `+` followed by country code and national significant number, or `nil`.
    public var e164: String?
    /// ISO 3166-1 alpha-2 region the number belongs to, when known (`JP`, `CN`, `US`, …).
    public var region: String?
    /// Whether the number has a possible length for its region.
    public var valid: Bool
    /// Extension digits (`ext. 123`, `内線123`, or a short internal number).
    public var `extension`: String?
    /// Whether the caller let the number be presented.
    public var presentation: PhonePresentation

    public init(
        raw: String?, e164: String?, region: String?, valid: Bool, extension: String?,
        presentation: PhonePresentation
    ) {
        self.raw = raw
        self.e164 = e164
        self.region = region
        self.valid = valid
        self.extension = `extension`
        self.presentation = presentation
    }
}

/// How the calling party's number was presented.
public struct PhonePresentation: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The number was presented (the normal case).
    public static let allowed = PhonePresentation(rawValue: "allowed")
    /// The caller withheld it (`anonymous`, `非通知`, `184` prefix).
    public static let restricted = PhonePresentation(rawValue: "restricted")
    /// A public payphone (`公衆電話`).
    public static let payphone = PhonePresentation(rawValue: "payphone")
    /// The network could not deliver it (empty value, `unknown`, `通知不可能`).
    public static let unavailable = PhonePresentation(rawValue: "unavailable")

    public static let all: [PhonePresentation] = [.allowed, .restricted, .payphone, .unavailable]
}
