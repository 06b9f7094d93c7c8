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

    /// Parses `text`; syntax errors carry libyaml's position.
    public init(text: String, file: String) throws(LocatedError) {
        self.file = file
        do {
            guard let root = try Yams.compose(yaml: text) else {
                throw LocatedError(file: file, line: 1, column: 1, message: "the file is empty")
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
