import CallGateFoundation
import CallGateModel

extension Expression {
    func evaluate(_ scope: inout Scope) throws(EvaluationError) -> Value {
        switch self {
        case .literal(let value):
            return .json(value)
        case .path(let reference):
            guard let value = scope.first(reference) else { return .null }
            for null in scope.nullStrings where scope.isString(value, null) { return .null }
            return value
        case .list(let reference):
            return scope.list(scope.select(reference.path, from: scope.start(of: reference)))
        case .template(let parts):
            var out = ""
            for part in parts {
                switch part {
                case .text(let text): out += text
                case .value(let expression):
                    let value = try expression.evaluate(&scope)
                    if scope.isNull(value) { return .null }
                    out += try scope.text(value)
                }
            }
            return .json(.string(out))
        case .coalesce(let candidates):
            for candidate in candidates {
                let value = try candidate.evaluate(&scope)
                if !scope.isEmpty(value) { return value }
            }
            return .null
        case .map(let input, let table, let defaultValue, let ignoreCase):
            let value = try input.evaluate(&scope)
            if scope.isEmpty(value) {
                return .json(defaultValue ?? .null)
            }
            var key = try scope.text(value)
            if ignoreCase { key = key.lowercased() }
            if let mapped = table[key] { return .json(mapped) }
            if let defaultValue { return .json(defaultValue) }
            let known = table.keys.sorted()
            let list = known.count <= 24 ? " (known: \(known.joined(separator: ", ")))" : ""
            throw EvaluationError("'\(key)' is not a known value\(list)")
        case .convert(let input, let conversion):
            let value = try input.evaluate(&scope)
            return .json(try Self.convert(scope.json(value), to: conversion))
        case .text(let input, let operation):
            let value = try input.evaluate(&scope)
            if scope.isNull(value) { return .null }
            let text = try scope.text(value)
            switch operation {
            case .trim: return .json(.string(text.trimmingWhitespace()))
            case .lowercase: return .json(.string(text.lowercased()))
            case .uppercase: return .json(.string(text.uppercased()))
            }
        case .time(let input, let format, let zone):
            let value = try input.evaluate(&scope)
            if scope.isEmpty(value) { return .null }
            do {
                return .json(.string(try format.parse(scope.json(value), zone: zone ?? scope.zone).description))
            } catch {
                throw EvaluationError(error.message)
            }
        case .phone(let input, let region):
            let evaluated = try input.evaluate(&scope)
            let value = scope.json(evaluated)
            switch value {
            case .null: return .null
            case .string(let s): return .json(PhoneNormalizer.normalize(s, defaultRegion: region ?? scope.region).json)
            case .int(let i):
                return .json(PhoneNormalizer.normalize(String(i), defaultRegion: region ?? scope.region).json)
            default: throw EvaluationError("expected a phone number string, got \(value.kindName)")
            }
        case .secondsBetween(let a, let b):
            let first = try a.evaluate(&scope)
            let second = try b.evaluate(&scope)
            guard let start = try Self.time(first, scope), let end = try Self.time(second, scope)
            else { return .null }
            return .json(.double(start.seconds(to: end)))
        case .earliest(let candidates), .latest(let candidates):
            var best: Timestamp?
            var isEarliest = false
            if case .earliest = self { isEarliest = true }
            for candidate in candidates {
                let value = try candidate.evaluate(&scope)
                guard let t = try Self.time(value, scope) else { continue }
                if let b = best, isEarliest ? b <= t : b >= t { continue }
                best = t
            }
            return best.map { .json(.string($0.description)) } ?? .null
        case .object(let pairs, let dropEmpty):
            var object = JSONObject()
            object.reserveCapacity(pairs.count)
            for (key, expression) in pairs {
                do {
                    let evaluated = try expression.evaluate(&scope)
                    let value = scope.json(evaluated)
                    if dropEmpty, value.isNull || value == .string("") { continue }
                    object.appendUnchecked(key, value)
                } catch {
                    throw error.inside(key)
                }
            }
            return .json(.object(object))
        case .array(let elements):
            var out: [JSONValue] = []
            out.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                do {
                    let value = try element.evaluate(&scope)
                    out.append(scope.json(value))
                } catch { throw error.inside("[\(i)]") }
            }
            return .json(.array(out))
        case .conditional(let condition, let then, let otherwise):
            return try condition.holds(&scope) ? then.evaluate(&scope) : otherwise.evaluate(&scope)
        case .function(let function, let arguments):
            var values: [JSONValue] = []
            for argument in arguments {
                let value = try argument.evaluate(&scope)
                values.append(scope.json(value))
            }
            do {
                return .json(try function.body(values, scope.functionContext))
            } catch {
                throw EvaluationError("\(function.name): \(error.message)")
            }
        case .each, .flatten, .filter, .sort, .without, .merge, .join, .first:
            return try evaluateCollection(&scope)
        case .require, .lookup, .fileExtension, .multiply, .round, .formatTime:
            return try evaluateOutbound(&scope)
        }
    }

    /// A time value from an expression: RFC 3339 / ISO 8601 text, read in the scope's zone.
    static func time(_ value: Value, _ scope: Scope) throws(EvaluationError) -> Timestamp? {
        if scope.isEmpty(value) { return nil }
        do {
            return try TimeFormat.iso8601.parse(scope.json(value), zone: scope.zone)
        } catch {
            throw EvaluationError(error.message)
        }
    }

    static func text(of value: JSONValue) throws(EvaluationError) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double: return JSONWriter.compact.string(value)
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        case .array, .object: throw EvaluationError("expected text, got \(value.kindName)")
        }
    }
}

extension JSONValue {
    /// Null, "" or an empty array: the values that mean "nothing known".
    var isEmptyValue: Bool {
        switch self {
        case .null: return true
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }
}

extension String {
    package func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
