import HTTPTypes
import Hummingbird
import LibraryModel

/// Names the catalog on every answer (`X-Catalog-Id`), errors and preflights included, so a client keeps its
/// cache of one catalog apart from another's behind the same URL. The identity never changes, so it is read
/// once when the service starts, not per request. It goes first, outside CORS, whose errors it still sees.
struct CatalogIdentityMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headerName: HTTPField.Name? { HTTPField.Name(APIPath.catalogIdentityHeader) }

    let identity: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            if let name = Self.headerName { response.headers[name] = identity }
            return response
        } catch var error as APIError {
            // Everything inside is an `APIError` by now (`JSONErrorMiddleware`).
            if let name = Self.headerName { error.headers[name] = identity }
            throw error
        }
    }
}
