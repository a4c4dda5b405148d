public import HTTPTypes
public import Hummingbird
import Catalog
import LibraryModel
import Logging
import NIOCore

/// An error the API answers with: a status and `{"error":"…"}`, the one error shape every route uses.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        var bytes: [UInt8] = Array(#"{"error":"#.utf8)
        JSONText.appendString(message, to: &bytes)
        bytes.append(contentsOf: "}\n".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
}

/// Renders every error that escapes a route, including the router's own "no such route", as `APIError`.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// For telling a method a path does not answer (405) from a path that is not there (404).
    var routes = RouteMethods()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as CatalogError {
            if APIError(catalog: error).status.code >= 500 { context.logger.error("\(request.method) \(request.uri.path) failed: \(error)") }
            throw APIError(catalog: error)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let allowed = routes.allowed(on: request.uri.path)
            guard !allowed.isEmpty else { throw APIError(.notFound, Self.defaultMessage(for: .notFound, request: request)) }
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            throw APIError(.methodNotAllowed, "\(request.uri.path) answers \(names), not \(request.method)", headers: [.allow: names])
        } catch let error as HTTPError {
            let message = error.body ?? Self.defaultMessage(for: error.status, request: request)
            throw APIError(error.status, message, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, Self.defaultMessage(for: error.status, request: request))
        } catch {
            let failure = InternalFailure()
            context.logger.error("\(failure.logLine("\(request.method) \(request.uri.path)", error))")
            throw APIError(.internalServerError, failure.description)
        }
    }

    static func defaultMessage(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no route for \(request.method) \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}
