import CallGateFoundation

extension PhoneNumber {
    /// `{raw, e164, region, valid, extension, presentation}`.
    public var json: JSONValue {
        [
            "raw": .optional(raw), "e164": .optional(e164), "region": .optional(region), "valid": .bool(valid),
            "extension": .optional(`extension`), "presentation": .string(presentation.rawValue),
        ]
    }

    /// Reads a phone object already in canonical form.
    public init(json: JSONValue, path: String) throws(FieldError) {
        self = try FieldReader.nested(path) { () throws(FieldError) in try Self.decode(json) }
    }

    static func decode(_ json: JSONValue) throws(FieldError) -> PhoneNumber {
        let r = try FieldReader(json, context: CoercionContext(region: "ZZ"), checkKeys: true)
        try r.rejectUnknown(["raw", "e164", "region", "valid", "extension", "presentation"])
        guard case .bool(let valid)? = r.object["valid"] else {
            throw FieldError(path: "valid", message: "expected true or false")
        }
        return PhoneNumber(
            raw: try r.string("raw"), e164: try r.string("e164"), region: try r.string("region"), valid: valid,
            extension: try r.string("extension"),
            presentation: try r.requiredVocabulary("presentation", PhonePresentation.self))
    }
}
