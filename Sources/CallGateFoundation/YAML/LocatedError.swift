import Yams

/// An error in a configuration or mapping file, located as `file:line:column`.
public struct LocatedError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(file: String, node: Node?, message: String) {
        self.init(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message)
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// A parsed YAML document and the file it came from.
public struct YAMLDocument {
    public let file: String
    public let root: Node

    /// The largest configuration or mapping file read.
    public static let maximumBytes = 1 << 20
    /// The most nodes a document may have once its aliases are expanded, so an alias bomb (a
    /// "billion laughs") is refused instead of walked.
    public static let maximumNodes = 1_000_000

    /// Parses `text`; syntax errors carry libyaml's position.
    public init(text: String, file: String) throws(LocatedError) {
        self.file = file
        guard text.utf8.count <= Self.maximumBytes else {
            throw LocatedError(
                file: file, line: 1, column: 1,
                message: "the file is larger than \(Self.maximumBytes) bytes, the limit for configuration and mappings")
        }
        do {
            guard let root = try Yams.compose(yaml: text) else {
                throw LocatedError(file: file, line: 1, column: 1, message: "the file is empty")
            }
            var budget = Self.maximumNodes
            guard Self.fits(root, &budget) else {
                throw LocatedError(
                    file: file, line: 1, column: 1,
                    message: "the document expands (through its aliases) to more than \(Self.maximumNodes) nodes")
            }
            self.root = root
        } catch let error as LocatedError {
            throw error
        } catch let error as YamlError {
            throw Self.locate(error, file: file)
        } catch {
            throw LocatedError(file: file, line: 0, column: 0, message: "\(error)")
        }
    }

    /// Whether `node` and everything under it (aliases followed) number at most `budget` nodes.
    static func fits(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar: return true
        case .alias: return true
        case .sequence(let sequence):
            for child in sequence where !fits(child, &budget) { return false }
            return true
        case .mapping(let mapping):
            for (key, value) in mapping where !fits(key, &budget) || !fits(value, &budget) { return false }
            return true
        }
    }

    static func locate(_ error: YamlError, file: String) -> LocatedError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.joined(separator: " ")
            return LocatedError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(what)")
        case .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.joined(separator: " ")
            return LocatedError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return LocatedError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.joined(separator: ", ")) \(context.text)")
        default:
            return LocatedError(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }

    public func error(_ node: Node?, _ message: String) -> LocatedError {
        LocatedError(file: file, node: node, message: message)
    }
}
