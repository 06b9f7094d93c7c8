import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// What one client may hold of the server (`server.header_timeout`, `body_timeout`,
/// `max_connections`; `idle_timeout` is Hummingbird's own): every connection gets a
/// `RequestDeadlineHandler`. Each cut-off is counted in `callgate_http_cutoffs_total{reason}`.
struct ConnectionLimits: Sendable {
    let limits: CallGateConfig.ServerLimits
    let metrics: GatewayMetrics
    private let open = NIOLockedValueBox(0)

    init(_ limits: CallGateConfig.ServerLimits, metrics: GatewayMetrics) {
        self.limits = limits
        self.metrics = metrics
    }

    /// Hummingbird's HTTP/1 server with the idle timeout and these handlers on each connection.
    var server: HTTPServerBuilder {
        let limits = self
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)],
                idleTimeout: .nanoseconds(self.limits.idleTimeout.nanoseconds)))
    }

    /// Counts a new connection; false when it is one too many.
    func opened() -> Bool {
        open.withLockedValue {
            $0 += 1
            return $0 <= limits.maxConnections
        }
    }

    func closed() { open.withLockedValue { $0 -= 1 } }

    /// Connections open now.
    var openConnections: Int { open.withLockedValue { $0 } }
}

/// The deadlines of one connection. An idle timer is reset by every byte, so a client trickling
/// its request a byte at a time would never trip it: instead the head must be complete within
/// `header_timeout` of its first byte, and the body within `body_timeout` of the head.
///
/// It sits after Hummingbird's HTTP codec and sees request parts; to see the first raw byte of a
/// request it puts a `FirstByteWatcher` at the front of the pipeline.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum Phase {
        /// No request has begun since the last one was read.
        case awaitingRequest
        case readingHead
        case readingBody
        /// The request is read; the answer is being made.
        case responding
        /// Cut off: nothing more is read; the connection is closing.
        case cutOff
    }

    let limits: ConnectionLimits
    private var phase = Phase.awaitingRequest
    private var timer: Scheduled<Void>?
    /// Whether an answer to the request being read has begun (then a 408 cannot be written).
    private var answering = false
    private var counted = false
    /// One connection more than `max_connections`: its request is answered 503.
    private var refused = false
    private var watcher: FirstByteWatcher?

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        refused = !limits.opened()
        let watcher = FirstByteWatcher(owner: self)
        self.watcher = watcher
        try? context.pipeline.syncOperations.addHandler(watcher, position: .first)
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    private func release() {
        timer?.cancel()
        timer = nil
        watcher = nil
        if counted {
            counted = false
            limits.closed()
        }
    }

    /// The first byte of a request has arrived (from the watcher).
    fileprivate func bytesArrived(context: ChannelHandlerContext) {
        guard phase == .awaitingRequest else { return }
        phase = .readingHead
        schedule(limits.limits.headerTimeout, on: context) { [weak self] in self?.headerExpired(context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            guard phase != .cutOff else { return }
            cancelTimer()
            if refused {
                phase = .cutOff
                limits.metrics.httpCutOff(reason: "too_many_connections")
                answer(
                    GatewayError(
                        .tooManyConnections,
                        message: "the server has its maximum of \(limits.limits.maxConnections) connections open "
                            + "(server.max_connections); try again later"), context: context)
                return
            }
            phase = .readingBody
            answering = false
            schedule(limits.limits.bodyTimeout, on: context) { [weak self] in self?.bodyExpired(context) }
        case .body:
            guard phase != .cutOff else { return }
        case .end:
            guard phase != .cutOff else { return }
            cancelTimer()
            phase = .responding
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: answering = true
        case .body: break
        case .end: if phase == .responding { phase = .awaitingRequest }
        }
        context.write(data, promise: promise)
    }

    private func headerExpired(_ context: ChannelHandlerContext) {
        guard phase == .readingHead else { return }
        phase = .cutOff
        limits.metrics.httpCutOff(reason: "header_timeout")
        // No request head was parsed, so the codec has nothing to answer: the watcher writes the
        // answer's bytes itself.
        let body = GatewayResponse.error(
            .headerTimeout, "the request headers did not arrive within \(limits.limits.headerTimeout)"
        ).body
        let text =
            "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: \(body.count)\r\n"
            + "connection: close\r\n\r\n"
        watcher?.writeAndClose(Array(text.utf8) + body)
    }

    private func bodyExpired(_ context: ChannelHandlerContext) {
        guard phase == .readingBody else { return }
        phase = .cutOff
        limits.metrics.httpCutOff(reason: "body_timeout")
        // The handler waiting for the body gets an error instead of a truncated body.
        context.fireErrorCaught(RequestBodyTimeout())
        if answering {
            context.close(promise: nil)
        } else {
            answer(
                GatewayError(
                    .bodyTimeout, message: "the request body did not arrive within \(limits.limits.bodyTimeout)"),
                context: context)
        }
    }

    /// Answers with a JSON error and closes the connection.
    private func answer(_ error: GatewayError, context: ChannelHandlerContext) {
        let status = HTTPResponse.Status(code: error.status)
        let body = GatewayResponse.error(error).body
        var fields: HTTPFields = [.contentType: "application/json", .connection: "close"]
        fields[.contentLength] = "\(body.count)"
        if status == .serviceUnavailable { fields[.retryAfter] = "1" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    private func schedule(_ delay: Duration, on context: ChannelHandlerContext, _ task: @escaping () -> Void) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(
            in: .nanoseconds(delay.nanoseconds), task)
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

/// The error a handler reading a cut-off body gets.
struct RequestBodyTimeout: Error {}

/// At the front of the pipeline: tells the `RequestDeadlineHandler` when bytes arrive (before the
/// codec has a complete head to show), and writes raw bytes when there is no request to answer.
final class FirstByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private weak var owner: RequestDeadlineHandler?
    private var context: ChannelHandlerContext?

    init(owner: RequestDeadlineHandler) { self.owner = owner }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.bytesArrived(context: context)
        context.fireChannelRead(data)
    }

    func writeAndClose(_ bytes: [UInt8]) {
        guard let context else { return }
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes))).whenComplete { _ in context.close(promise: nil) }
    }
}
