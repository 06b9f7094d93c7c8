import CallGateFoundation
import CallGateModel

/// What an outbound mapping made of one event for one sink.
public enum OutboundPlan: Sendable, Equatable {
    case send(OutboundRequest)
    /// Nothing to send: the call already exists at a destination that takes one request per call.
    case skip(String)
}

extension JSONValue {
    var isContainer: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }
}

/// The request a sink's transform asks for (the Deliver stage adds authentication and sends it).
public struct OutboundRequest: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var method: String
    public var url: String
    public var headers: [Header]
    public var body: JSONValue
    public var format: BodyFormat
    /// An update of the object created by an earlier event of the call.
    public var isUpdate: Bool
}

/// What an outbound mapping reads for one delivery.
public struct TargetInput: Sendable {
    /// The stored event (canonical JSON, its call merged up to the event).
    public var event: [UInt8]
    public var sink: String
    /// The sink's `url`.
    public var url: String
    /// The sink's `tables:`, an object of objects.
    public var tables: JSONValue
    /// The destination's id of this call, once created.
    public var destinationId: String?

    public init(event: [UInt8], sink: String, url: String, tables: JSONValue, destinationId: String? = nil) {
        self.event = event
        self.sink = sink
        self.url = url
        self.tables = tables
        self.destinationId = destinationId
    }
}

extension TargetMapping {
    /// The request for one event: the create, the update of the call's existing object, or a
    /// skip.
    /// - Throws: `MappingError` naming the field when a value the destination requires is missing
    ///   or a value cannot be written (the delivery is then dead at once).
    public func plan(_ input: TargetInput) throws(MappingError) -> OutboundPlan {
        var scope = try scope(for: input)
        let shape: RequestShape
        if input.destinationId == nil {
            shape = create
        } else if let update {
            shape = update
        } else if oncePerCall {
            return .skip("the call was already sent (destination id \(input.destinationId ?? ""))")
        } else {
            shape = create
        }
        let part = input.destinationId != nil && update != nil ? "update" : "create"
        return .send(try request(shape, scope: &scope, input: input, part: part))
    }

    /// The destination's id of the call after a successful create: `destination_id` evaluated
    /// with `$answer` (the answer's body parsed as JSON, or null). Nil when the mapping has none
    /// or it selects nothing.
    public func destinationId(answer: [UInt8], input: TargetInput) throws(MappingError) -> String? {
        guard let destinationId else { return nil }
        var scope = try scope(for: input)
        scope.slots[Self.answerSlot] = .json((try? JSONParser.parse(answer, limits: .ingest)) ?? .null)
        do throws(EvaluationError) {
            let value = try destinationId.evaluate(&scope)
            if scope.isEmpty(value) { return nil }
            return try scope.text(value)
        } catch {
            throw MappingError(element: nil, field: "create.destination_id", message: error.message)
        }
    }

    private func scope(for input: TargetInput) throws(MappingError) -> Scope {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: input.event)
        } catch {
            throw MappingError(element: nil, field: "", message: "the stored event cannot be read: \(error)")
        }
        let root = Value.node(JSONTape.root)
        var scope = Scope(
            tape: tape, document: root, current: root, slots: Array(repeating: .null, count: slotCount),
            nullStrings: [], zone: nil, region: "ZZ",
            functionContext: FunctionContext(
                source: SourceSettings(id: input.sink, adapter: "target", region: "ZZ"),
                receivedAt: Timestamp(seconds: 0)))
        scope.slots[Self.eventSlot] = root
        scope.slots[Self.callSlot] = tape.member(JSONTape.root, "call").map(Value.node) ?? .null
        let sink: JSONValue = ["id": .string(input.sink), "url": .string(input.url)]
        scope.slots[Self.sinkSlot] = Value.json(sink)
        scope.slots[Self.tablesSlot] = Value.json(input.tables)
        scope.slots[Self.destinationSlot] = Value.json(input.destinationId.map { JSONValue.string($0) } ?? .null)
        for (name, slot, value) in lets {
            do throws(EvaluationError) {
                scope.slots[slot] = try value.evaluate(&scope)
            } catch {
                throw MappingError(
                    element: nil, field: CompiledMapping.join(["$\(name)"] + error.path), message: error.message)
            }
        }
        return scope
    }

    private func request(_ shape: RequestShape, scope: inout Scope, input: TargetInput, part: String)
        throws(MappingError) -> OutboundRequest
    {
        func failure(_ error: EvaluationError, _ field: String) -> MappingError {
            MappingError(element: nil, field: CompiledMapping.join([part, field] + error.path), message: error.message)
        }
        var url = input.url
        if let expression = shape.url {
            do throws(EvaluationError) {
                let value = try expression.evaluate(&scope)
                guard !scope.isEmpty(value) else { throw EvaluationError("the URL came out empty") }
                url = try scope.text(value)
            } catch { throw failure(error, "url") }
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw MappingError(element: nil, field: part + ".url", message: "'\(url)' is not an http(s) URL")
            }
        }
        var headers: [OutboundRequest.Header] = []
        if let expression = shape.headers {
            do throws(EvaluationError) {
                let value = try expression.evaluate(&scope)
                if case .object(let object) = scope.json(value) {
                    for (name, headerValue) in object {
                        headers.append(.init(name: name, value: try Expression.text(of: headerValue)))
                    }
                }
            } catch { throw failure(error, "headers") }
        }
        let body: JSONValue
        do throws(EvaluationError) {
            body = scope.json(try shape.body.evaluate(&scope))
        } catch { throw failure(error, "body") }
        if shape.format == .form {
            guard case .object(let object) = body else {
                throw MappingError(element: nil, field: part + ".body", message: "a form body is an object")
            }
            for (key, value) in object where value.isContainer {
                throw MappingError(element: nil, field: "\(part).body.\(key)", message: "a form value is text")
            }
        }
        return OutboundRequest(
            method: shape.method, url: url, headers: headers, body: body, format: shape.format,
            isUpdate: input.destinationId != nil && update != nil)
    }
}
