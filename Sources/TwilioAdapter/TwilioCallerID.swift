import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// The caller IDs Twilio puts in `From` (and `Caller`) when the network delivered no number.
///
/// Carriers pass a withheld caller ID on as a word, and Twilio reports the word spelled on a phone
/// keypad after a `+`: `+266696687` is A-N-O-N-Y-M-O-U-S. Read as numbers they would become real
/// looking E.164 numbers of Lesotho (+266), Russia (+7), Uganda (+256) and China (+86), which
/// libphonenumber rejects too (none is a valid number; only `+8656696` even has a possible length).
/// The words themselves (`Anonymous`, `Restricted`, `Unknown`) are withheld markers the phone
/// normalizer already knows.
enum TwilioCallerID {
    /// Keypad spelling → what the word says about the presentation.
    static let placeholders: [String: (word: String, presentation: PhonePresentation)] = [
        "266696687": ("ANONYMOUS", .restricted),
        "7378742833": ("RESTRICTED", .restricted),
        "2562533": ("BLOCKED", .restricted),
        "8656696": ("UNKNOWN", .unavailable),
    ]

    /// The phone object for a placeholder (raw kept, no `e164`), or `nil` for anything else.
    static func placeholder(_ text: String) -> PhoneNumber? {
        var digits = text[...]
        while digits.first == " " { digits.removeFirst() }
        while digits.last == " " { digits.removeLast() }
        guard digits.first == "+" else { return nil }
        digits.removeFirst()
        guard let entry = placeholders[String(digits)] else { return nil }
        return PhoneNumber(
            raw: text, e164: nil, region: nil, valid: false, extension: nil, presentation: entry.presentation)
    }

    /// `twilio.phone(From)`: a placeholder as its phone object; any other value unchanged, for the
    /// phone field to normalize with the source's region.
    static let function = MappingFunction(
        name: "twilio.phone", arity: 1...1,
        summary: "a Twilio caller ID: the keypad-spelled placeholders (+266696687 ANONYMOUS, …) as withheld numbers"
    ) { arguments, _ throws(MessageError) in
        guard case .string(let text) = arguments[0], let number = placeholder(text) else { return arguments[0] }
        return number.json
    }
}
