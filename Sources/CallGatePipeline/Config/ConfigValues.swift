import CallGateFoundation
import CallGateMapping
import CallGateModel
import Yams

/// Typed reads of configuration values with `${VAR}` / `${VAR:-default}` interpolation.
struct ConfigValues {
    let document: YAMLDocument
    let environment: [String: String]

    func location(_ node: Node) -> ConfigLocation {
        ConfigLocation(file: document.file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    /// A scalar's text after interpolation. `$${` writes a literal `${`.
    func string(_ node: Node, _ what: String) throws(LocatedError) -> String {
        guard case .scalar(let scalar) = node else { throw document.error(node, "\(what) must be a single value") }
        return try interpolate(scalar.string, at: node)
    }

    func interpolate(_ text: String, at node: Node) throws(LocatedError) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                out += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{") else {
                out += "$"
                rest = after
                continue
            }
            guard let close = after.firstIndex(of: "}") else {
                throw document.error(node, "unclosed '${' in '\(text)'")
            }
            let inner = after[after.index(after: after.startIndex)..<close]
            let name: Substring
            var fallback: Substring?
            if let sep = inner.range(of: ":-") {
                name = inner[..<sep.lowerBound]
                fallback = inner[sep.upperBound...]
            } else {
                name = inner
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw document.error(
                    node, "'${\(inner)}' is not a valid environment reference (use ${NAME} or ${NAME:-default})")
            }
            if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                throw document.error(
                    node, "environment variable \(name) is not set (write ${\(name):-default} to allow a default)")
            }
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }

    func optionalString(_ node: Node?, _ what: String) throws(LocatedError) -> String? {
        guard let node else { return nil }
        let s = try string(node, what)
        return s.isEmpty ? nil : s
    }

    func secret(_ node: Node, _ what: String) throws(LocatedError) -> Secret {
        let s = try string(node, what)
        guard !s.isEmpty else { throw document.error(node, "\(what) is empty (is its environment variable set?)") }
        return Secret(s)
    }

    /// One secret or a list of them (rotation).
    func secrets(_ node: Node, _ what: String) throws(LocatedError) -> [Secret] {
        if let list = node.sequenceNodes {
            var out: [Secret] = []
            for element in list { out.append(try secret(element, what)) }
            guard !out.isEmpty else { throw document.error(node, "\(what) needs at least one secret") }
            return out
        }
        return [try secret(node, what)]
    }

    func integer(_ node: Node, _ what: String, range: ClosedRange<Int>) throws(LocatedError) -> Int {
        let text = try string(node, what)
        guard let value = Int(text), range.contains(value) else {
            throw document.error(
                node, "\(what) must be a whole number in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
        }
        return value
    }

    func strings(_ node: Node, _ what: String) throws(LocatedError) -> [String] {
        guard let list = node.sequenceNodes else { throw document.error(node, "\(what) must be a list") }
        var out: [String] = []
        for element in list { out.append(try string(element, what)) }
        return out
    }

    func choice(_ node: Node, _ what: String, _ options: [String]) throws(LocatedError) -> String {
        let text = try string(node, what)
        guard options.contains(text) else { throw notOneOf(node, what, options, text) }
        return text
    }

    /// One of an enumeration's raw values, listed in the error in the order the cases are declared.
    func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _: Choice.Type)
        throws(LocatedError) -> Choice where Choice.RawValue == String
    {
        let text = try string(node, what)
        guard let value = Choice(rawValue: text) else {
            throw notOneOf(node, what, Choice.allCases.map(\.rawValue), text)
        }
        return value
    }

    private func notOneOf(_ node: Node, _ what: String, _ options: [String], _ text: String) -> LocatedError {
        document.error(node, "\(what) must be one of \(options.joined(separator: ", ")), got '\(text)'")
    }

    /// `500ms`, `5s`, `5m`, `2h`, `30d`.
    func duration(_ node: Node, _ what: String) throws(LocatedError) -> Duration {
        let text = try string(node, what)
        guard let d = Self.parseDuration(text) else {
            throw document.error(node, "\(what) must be a duration with a unit (500ms, 5s, 5m, 2h, 30d), got '\(text)'")
        }
        return d
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, ms) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard let n = Int64(number), n >= 0, n < 1_000_000_000 else { return nil }
            return .milliseconds(n * ms)
        }
        return nil
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64
            && s.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
    }
}
