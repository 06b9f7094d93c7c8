import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// ASCII helpers for protocol text (header names, schemes, hex), which is never locale-dependent.
enum ASCII {
    static func lowercase(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return text[first...last]
    }

    /// Whether `text` starts with `prefix`, ignoring ASCII case.
    static func hasPrefixIgnoringCase(_ text: Substring, _ prefix: String) -> Bool {
        guard text.utf8.count >= prefix.utf8.count else { return false }
        return text.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8) { lowercase($0) == lowercase($1) }
    }
}
