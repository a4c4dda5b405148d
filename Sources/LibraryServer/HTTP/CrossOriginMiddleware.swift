import HTTPTypes
import Hummingbird

/// CORS, so a static page on another origin can use the API from JavaScript, as the original project's
/// site did. Any origin is allowed (`*`): the API authenticates with bearer tokens a page must send
/// explicitly, never with cookies, so a foreign page gains nothing a script without a browser lacks.
///
/// Hummingbird's own `CORSMiddleware` only sends `Access-Control-Expose-Headers` on preflights, where
/// browsers ignore it, so a page could not read `Content-Range` or `ETag`; and it leaves requests without
/// `Origin` alone. This one adds the headers to every response, errors included.
///
/// It goes first: preflights are answered before `CallerMiddleware` (so they need no token) and are not
/// routes (so the OpenAPI document stays true to the routes).
struct CrossOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    static var allowedMethods: String { "GET, HEAD, PUT, POST, PATCH, DELETE" }
    static var allowedHeaders: String { "Authorization, Content-Type, Range, If-None-Match, If-Range, Last-Event-ID" }
    /// What a page's script may read of a response, besides the always-readable basics.
    static var exposedHeaders: String {
        "Content-Range, Accept-Ranges, Content-Length, ETag, Last-Modified, Retry-After, X-Changes-Position, X-Catalog-Id"
    }
    /// A day: how long a browser may reuse a preflight's answer (Chromium caps it at two hours).
    static var maxAge: String { "86400" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .options {
            var headers: HTTPFields = [:]
            Self.add(to: &headers)
            headers[.accessControlAllowMethods] = Self.allowedMethods
            headers[.accessControlAllowHeaders] = Self.allowedHeaders
            headers[.accessControlMaxAge] = Self.maxAge
            return Response(status: .noContent, headers: headers)
        }
        do {
            var response = try await next(request, context)
            Self.add(to: &response.headers)
            return response
        } catch var error as APIError {
            // `JSONErrorMiddleware`, next in line, turns every error into an `APIError`.
            Self.add(to: &error.headers)
            throw error
        }
    }

    private static func add(to headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = "*"
        headers[.accessControlExposeHeaders] = exposedHeaders
    }
}
