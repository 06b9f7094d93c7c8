import CallGateFoundation
import CallGateModel
import Yams

/// An outbound mapping (`Mappings/targets/<name>.yaml` or a sink's own file): turns a stored event
/// and its merged call into the request a destination expects (Docs/targets.md). Written in the
/// mapping language; compiled and checked once, when the configuration is loaded (bundled ones also
/// at build time).
///
/// Variables: `$` and `$event` are the stored event (its `call` is the call merged up to that
/// event), `$call` the call, `$sink` the sink's `id` and `url`, `$tables` the sink's `tables:`,
/// `$destination_id` the id the destination gave this call (null before it was created), and in
/// `destination_id:` also `$answer`, the parsed answer to the create.
public struct TargetMapping: Sendable {
    public let file: String
    /// The name of the target (`hubspot_calls`).
    public let target: String
    public let summary: String?
    let lets: [(name: String, slot: Int, value: Expression)]
    let create: RequestShape
    /// How a later event of a call already created is sent; nil for targets without updates.
    let update: RequestShape?
    /// The destination's id for the call, read after the create (from `$answer`).
    let destinationId: Expression?
    /// Later events of a call already created are not sent (targets that cannot update).
    public let oncePerCall: Bool
    let slotCount: Int

    /// Whether the destination keeps one record per call, which needs the events of a call sent
    /// in order (`order: per_call` is then the default).
    public var keepsOneRecordPerCall: Bool { update != nil || oncePerCall }

    static let eventSlot = 0
    static let callSlot = 1
    static let sinkSlot = 2
    static let tablesSlot = 3
    static let destinationSlot = 4
    static let answerSlot = 5

    struct RequestShape: Sendable {
        let method: String
        let url: Expression?
        let headers: Expression?
        let format: BodyFormat
        let body: Expression
    }

    /// Compiles an outbound mapping.
    /// - Throws: `LocatedError` at the offending key or value.
    public init(yaml text: String, file: String) throws(LocatedError) {
        let document = try YAMLDocument(text: text, file: file)
        var compiler = MappingCompiler(document: document, functions: [])
        compiler.keepsEmptyMembers = true
        var top = try MappingReader(document.root, in: document, context: "target mapping")
        self.file = file
        try compiler.checkVersion(top.take("version"))
        let targetNode = try top.require("target")
        guard let target = targetNode.scalarText, !target.isEmpty else {
            throw document.error(targetNode, "'target' is a name")
        }
        self.target = target
        summary = top.take("description")?.scalarText
        for name in ["event", "call", "sink", "tables", "destination_id", "answer"] {
            _ = try compiler.bind(name, at: nil)
        }
        let lets = try compiler.compileLets(top.take("let"))
        self.lets = lets
        let createNode = try top.require("create")
        var createReader = try MappingReader(createNode, in: document, context: "create")
        create = try Self.shape(&createReader, &compiler, defaultMethod: "POST")
        destinationId = try createReader.take("destination_id").map { node throws(LocatedError) in
            try compiler.compileValue(node, kind: .any)
        }
        try createReader.finish()
        let updateNode = top.take("update")
        let onceNode = top.take("once_per_call")
        if let updateNode {
            var reader = try MappingReader(updateNode, in: document, context: "update")
            update = try Self.shape(&reader, &compiler, defaultMethod: "PATCH")
            try reader.finish()
        } else {
            update = nil
        }
        if let onceNode {
            guard let flag = onceNode.scalarText, flag == "true" || flag == "false" else {
                throw document.error(onceNode, "'once_per_call' is true or false")
            }
            oncePerCall = flag == "true"
            if oncePerCall, updateNode != nil {
                throw document.error(onceNode, "'once_per_call: true' and 'update' exclude each other")
            }
        } else {
            oncePerCall = false
        }
        if updateNode != nil || oncePerCall, destinationId == nil {
            throw document.error(
                createNode, "'create' needs 'destination_id' (e.g. $answer.id) when later events update or are skipped")
        }
        try top.finish()
        slotCount = compiler.slotCount
    }

    static func shape(_ reader: inout MappingReader, _ compiler: inout MappingCompiler, defaultMethod: String)
        throws(LocatedError) -> RequestShape
    {
        let document = compiler.document
        var method = defaultMethod
        if let node = reader.take("method") {
            guard let text = node.scalarText?.uppercased(), ["POST", "PUT", "PATCH"].contains(text) else {
                throw document.error(node, "'method' is POST, PUT or PATCH")
            }
            method = text
        }
        var format = BodyFormat.json
        if let node = reader.take("format") {
            guard let text = node.scalarText, let f = BodyFormat(rawValue: text) else {
                throw document.error(node, "'format' is json or form")
            }
            format = f
        }
        let url = try reader.take("url").map { node throws(LocatedError) in try compiler.compileValue(node, kind: .any)
        }
        let headers = try reader.take("headers").map { node throws(LocatedError) in
            guard case .mapping = node else { throw document.error(node, "'headers' is a mapping of names to values") }
            return try compiler.compileObject(node, kind: .freeObject)
        }
        let body = try compiler.compileValue(try reader.require("body"), kind: .any)
        return RequestShape(method: method, url: url, headers: headers, format: format, body: body)
    }
}

/// How an outbound body is written.
public enum BodyFormat: String, Sendable {
    /// `application/json`.
    case json
    /// `application/x-www-form-urlencoded` from a flat object.
    case form
}
