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
        let r = try FieldReader(json, path: path, context: CoercionContext(region: "ZZ"))
        try r.rejectUnknown(["raw", "e164", "region", "valid", "extension", "presentation"])
        guard case .bool(let valid)? = r.object["valid"] else {
            throw FieldError(path: r.sub("valid"), message: "expected true or false")
        }
        self.init(
            raw: try r.string("raw"), e164: try r.string("e164"), region: try r.string("region"), valid: valid,
            extension: try r.string("extension"),
            presentation: try r.requiredVocabulary("presentation", PhonePresentation.self))
    }
}
