import HTTPTypes
import Hummingbird
import Synchronization

/// Which methods each route path answers, so a request for a path that exists, by a method it does not
/// answer, hears 405 with `Allow` (RFC 9110) rather than the router's 404 for a path that does not.
final class RouteMethods: Sendable {
    private struct Route {
        /// The path's segments; nil for a parameter (`{id}` as the router writes it), which matches any one segment.
        var segments: [Substring?]
        var methods: Set<HTTPRequest.Method>
    }

    private let routes = Mutex<[Route]>([])

    /// Reads the router's routes once they are all added. A GET answers HEAD as well, and every path
    /// answers OPTIONS (CORS preflights).
    func learn(_ paths: [(path: String, method: HTTPRequest.Method)]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for (path, method) in paths { byPath[path, default: [.options]].insert(method) }
        let learned = byPath.map { path, methods in
            Route(
                segments: path.split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 },
                methods: methods.contains(.get) ? methods.union([.head]) : methods)
        }
        routes.withLock { $0 = learned }
    }

    /// The methods `path` answers, sorted; empty when no route has this path.
    func allowed(on path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let methods = routes.withLock { routes in
            routes.lazy.filter { route in
                route.segments.count == segments.count && zip(route.segments, segments).allSatisfy { $0 == nil || $0 == $1 }
            }.reduce(into: Set<HTTPRequest.Method>()) { $0.formUnion($1.methods) }
        }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }
}
