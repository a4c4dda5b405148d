import Catalog
import CoverArt
import Foundation
import AWSClients
import HTTPTypes
public import Hummingbird
import LibraryModel
import NIOCore
import SubsonicAPI
import WireFormats

/// The REST API: reads are open, writes to the library need the service's token (or an admin), and the
/// listeners' routes act as whoever signed in.
public struct LibraryRoutes: Sendable {
    let library: LibraryService
    let accounts: Accounts
    let links: MediaLinks
    /// Used in URLs when a request has no `Host` header (HTTP/1.0 clients).
    let fallbackHost: String
    /// Songs read from the catalog per round trip while streaming a listing: bounds memory per request.
    let listingPageSize: Int
    /// The catalog's identity, read once at start: it never changes.
    let catalogIdentity: String
    let covers = ScaledCovers()
    let hotListings = HotListings()

    public init(
        library: LibraryService, accounts: Accounts, links: MediaLinks, fallbackHost: String, catalogIdentity: String, listingPageSize: Int = 1000
    ) {
        self.library = library
        self.catalogIdentity = catalogIdentity
        self.accounts = accounts
        self.links = links
        self.fallbackHost = fallbackHost
        self.listingPageSize = max(1, listingPageSize)
    }

    /// A router with every route, CORS for pages on other origins, error rendering and HEAD for every GET.
    public func makeRouter() -> Router<LibraryRequestContext> {
        let router = Router(context: LibraryRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: CatalogIdentityMiddleware(identity: catalogIdentity))
        router.add(middleware: CrossOriginMiddleware())
        // Before the JSON errors and the `Authorization` reading, which apply only to routes added after them:
        // Subsonic answers its errors in its own envelope and authenticates with its own parameters.
        SubsonicRoutes<LibraryRequestContext>(service: SubsonicService(backend: SubsonicBridge(routes: self))).add(to: router)
        let errors = JSONErrorMiddleware<LibraryRequestContext>()
        router.add(middleware: errors)
        router.add(middleware: CallerMiddleware(accounts: accounts))
        router.get(RouterPath(APIPath.health)) { _, _ in Self.json(#"{"status":"ok"}"#) }
        router.get(RouterPath(APIPath.openAPI)) { _, _ in Self.json(OpenAPIDocument.json) }
        router.get(RouterPath(APIPath.songs), use: listSongs)
        router.get("/songs/:id", use: showSong)
        router.get(RouterPath(APIPath.genres), use: listGenres)
        router.get(RouterPath(APIPath.status), use: status)
        router.get("/media/:key", use: media)
        router.get("/bundles/:id", use: showBundle)

        let writes = router.group().add(middleware: LibraryWriteMiddleware())
        writes.put("/bundles/:id/:file", use: upload)
        writes.delete("/bundles/:id", use: deleteBundle)
        writes.post("/events/s3", use: s3Events)

        ListenerRoutes(library: library, accounts: accounts, links: links, fallbackHost: fallbackHost).add(to: router)
        addChanges(to: router)
        errors.routes.learn(router.routes.map { ($0.path.description, $0.method) })
        return router
    }

    // MARK: Songs and genres

    @Sendable func listSongs(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let query = try SongQueryParser.parse(FormQuery.parse(request.uri.query))
        let base = baseURL(of: request)
        guard let filter = try await library.filter(for: query) else {
            return Self.json("[]")  // an unknown genre matches nothing
        }
        let limit = query.limit ?? Int.max
        let pageSize = listingPageSize
        let position = try await feedPosition()
        var headers = Self.listingHeaders(position: position)
        let listener = try await identifiedListener(context)
        // An anonymous page the feed has not moved past since it was written: its tag, or itself.
        let cacheKey = "\(base) \(request.uri.query ?? "")"
        let isHot = listener == nil && limit <= pageSize
        if listener == nil {
            let etag = HotListings.etag(query: cacheKey, position: position)
            headers[.eTag] = etag
            if let candidates = request.headers[.ifNoneMatch], candidates.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag }) {
                return Response(status: .notModified, headers: headers)
            }
            if isHot, let page = hotListings.page(for: cacheKey, at: position) {
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: page))
            }
        }
        // The first page is read before answering, so a database error still gets a proper error status.
        let firstPage = try await library.catalog.songs(
            matching: filter, after: nil, offset: query.offset ?? 0, limit: min(limit, pageSize))
        let songJSON = SongJSON(base: base, links: links)
        let catalog = library.catalog
        // Only callers who said who they are get their marks: an anonymous listing keeps the original shape.
        let marks = try await ListingMarks(for: listener, catalog: catalog, wholeListing: limit > pageSize)
        if isHot {
            // One page (the limit is within a page): written whole and kept for the next asker.
            var output: [UInt8] = [UInt8(ascii: "[")]
            for (index, song) in firstPage.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                songJSON.append(song, to: &output)
            }
            output.append(contentsOf: "]\n".utf8)
            let page = ByteBuffer(bytes: output)
            hotListings.keep(page, for: cacheKey, at: position)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: page))
        }
        let body = ResponseBody { writer in
            var page = firstPage
            var remaining = limit
            var output: [UInt8] = [UInt8(ascii: "[")]
            var first = true
            while true {
                remaining -= page.count
                // Read the next page while this one is encoded and written: the catalog's thread and this
                // task's thread work side by side.
                var nextPage: Task<[SongListing], any Error>?
                if page.count == pageSize, remaining > 0, let cursor = page.last?.cursor {
                    let size = min(remaining, pageSize)
                    nextPage = Task { try await catalog.songs(matching: filter, after: cursor, offset: 0, limit: size) }
                }
                output.reserveCapacity(page.count * 320)
                let pageMarks = try await marks?.forPage(page)
                for song in page {
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    songJSON.append(song, marks: pageMarks.map { $0[song.id] ?? .empty }, to: &output)
                }
                guard let nextPage else { break }
                do {
                    try await writer.write(ByteBuffer(bytes: output))
                } catch {
                    nextPage.cancel()
                    throw error
                }
                output.removeAll(keepingCapacity: true)
                page = try await nextPage.value
            }
            output.append(contentsOf: "]\n".utf8)
            try await writer.write(ByteBuffer(bytes: output))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    @Sendable func showSong(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let id = try bundleID(context.parameters.get("id"))
        guard let record = try await library.catalog.song(id) else {
            throw APIError.notFound("no song with id \(id)")
        }
        var song = SongJSON.song(record, base: baseURL(of: request), links: links)
        if let listener = try await identifiedListener(context) {
            song.apply(try await library.catalog.marks(userID: listener.id, songIDs: [id.rawValue])[id.rawValue] ?? .empty)
        }
        return try Self.json(encoding: song)
    }

    /// The listener a caller who said who they are acts as; nil for anonymous callers, whose answers keep
    /// the original shapes.
    func identifiedListener(_ context: LibraryRequestContext) async throws(APIError) -> UserRecord? {
        if case .anonymous = context.caller { return nil }
        return try await accounts.optionalListener(context)
    }

    @Sendable func listGenres(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        // Written by hand to keep the original field order: {"genreid":1,"genre":"Rock"}.
        let headers = Self.listingHeaders(position: try await feedPosition())
        var output: [UInt8] = [UInt8(ascii: "[")]
        for (index, genre) in try await library.catalog.genres().enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"genreid":"#.utf8)
            output.append(contentsOf: String(genre.genreid).utf8)
            output.append(contentsOf: #","genre":"#.utf8)
            JSONText.appendString(genre.genre, to: &output)
            output.append(contentsOf: #","songs":"#.utf8)
            output.append(contentsOf: String(genre.songs ?? 0).utf8)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: "]\n".utf8)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: output)))
    }

    @Sendable func status(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        var status = try await library.status()
        status.catalogId = catalogIdentity
        return try Self.json(encoding: status)
    }

    // MARK: Media

    @Sendable func media(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let key: ObjectKey
        do {
            key = try ObjectKey(validating: context.parameters.get("key") ?? "")
        } catch {
            throw APIError.badRequest("not an object key: \(error)")
        }
        guard let info = try await library.bucket.info(key) else {
            throw APIError.notFound("no object \(key) in the bucket")
        }
        if let size = try FormQuery.number("size", in: FormQuery.parse(request.uri.query), range: 1...Int.max) {
            return try await scaledCover(key, info: info, size: size, request: request)
        }
        return try await object(key, info: info, request: request)
    }

    /// An object's bytes, whole or the range asked for, with its entity tag for conditional requests: for
    /// `/media` and for Subsonic's `stream` and `getCoverArt`.
    func object(_ key: ObjectKey, info: ObjectInfo, request: Request) async throws -> Response {
        let etag = "\"\(info.etag)\""
        var headers: HTTPFields = [
            .contentType: key.part.contentType,
            .eTag: etag,
            .acceptRanges: "bytes",
            .lastModified: HTTPDate.format(info.lastModified),
            .cacheControl: "no-cache",
        ]
        if let candidates = request.headers[.ifNoneMatch],
            candidates.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag || $0.trimmingSpaces() == "*" })
        {
            return Response(status: .notModified, headers: headers)
        }
        var range = ByteRangeRequest.parse(request.headers[.range], size: info.size)
        if let condition = request.headers[.ifRange], condition != etag {
            range = .whole  // the client's partial copy is of another version: send the whole new one
        }
        let bucket = library.bucket
        switch range {
        case .unsatisfiable:
            throw APIError(
                .rangeNotSatisfiable, "the range \(request.headers[.range] ?? "") is outside \(key) (\(info.size) bytes)",
                headers: [.contentRange: "bytes */\(info.size)", .acceptRanges: "bytes"])
        case .whole:
            headers[.contentLength] = String(info.size)
            let body = ResponseBody(contentLength: info.size) { writer in
                try await bucket.read(key, range: nil) { try await writer.write($0) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        case .partial(let bytes):
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(info.size)"
            headers[.contentLength] = String(bytes.count)
            let body = ResponseBody(contentLength: bytes.count) { writer in
                try await bucket.read(key, range: bytes) { try await writer.write($0) }
                try await writer.finish(nil)
            }
            return Response(status: .partialContent, headers: headers, body: body)
        }
    }

    /// A cover scaled to fit `size` × `size` (at most `ScaledCovers.largestSize`), as JPEG.
    func scaledCover(_ key: ObjectKey, info: ObjectInfo, size requested: Int, request: Request) async throws -> Response {
        guard key.part == .cover || key.part == .pngCover else {
            throw APIError.badRequest("size is for covers (.jpg, .png), not \(key)")
        }
        let size = min(requested, ScaledCovers.largestSize)
        let etag = "\"\(info.etag)-\(size)\""
        let headers: HTTPFields = [.contentType: "image/jpeg", .eTag: etag, .lastModified: HTTPDate.format(info.lastModified), .cacheControl: "no-cache"]
        if let candidates = request.headers[.ifNoneMatch], candidates.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        let bucket = library.bucket
        let scaled: [UInt8]
        do {
            scaled = try await covers.scaled("\(key.name)|\(info.etag)", size: size) {
                try await bucket.contents(of: key, limit: CoverDecoder.maximumBytes)
            }
        } catch let error as CoverError {
            throw APIError(.unprocessableContent, "\(key) cannot be shown: \(error)")
        } catch let error as BucketError {
            if case .tooLarge = error { throw APIError(.unprocessableContent, "\(key) is larger than a cover may be (\(CoverDecoder.maximumBytes) bytes)") }
            throw error
        }
        var response = Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: scaled)))
        response.headers[.contentLength] = String(scaled.count)
        return response
    }

    // MARK: Bundles

    @Sendable func showBundle(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let id = try bundleID(context.parameters.get("id"))
        let report = try await library.report(for: id, base: baseURL(of: request), links: links)
        guard report.state != .absent else { throw APIError.notFound("no bundle \(id) in the bucket") }
        return try Self.json(encoding: report)
    }

    @Sendable func upload(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let id = try bundleID(context.parameters.get("id"))
        let file = context.parameters.get("file") ?? ""
        let key: ObjectKey
        do {
            key = try ObjectKey(validating: file)
        } catch {
            throw APIError.badRequest("\(file) is not a bundle file name: \(error)")
        }
        guard key.bundle == id else {
            throw APIError.badRequest("the file must be named \(id).json, \(id).mp3, \(id).jpg or \(id).png, not \(file)")
        }
        let existed = try await library.bucket.info(key) != nil
        let staged = try await library.stager.stage(request.body, limit: UploadStager.limit(for: key.part), key: key)
        let stored = try await library.store(key, stagedFile: staged)
        _ = await library.queue.ingest(id)
        let report = try await library.report(for: id, base: baseURL(of: request), links: links)
        var response = try Self.json(encoding: UploadReceipt(key: key.name, bytes: stored.size, bundle: report))
        response.status = existed ? .ok : .created
        return response
    }

    @Sendable func deleteBundle(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let id = try bundleID(context.parameters.get("id"))
        let objects = try await library.bucket.objects(of: id)
        guard !objects.isEmpty else { throw APIError.notFound("no bundle \(id) in the bucket") }
        for object in objects.values { try await library.bucket.delete(object.key) }
        _ = await library.queue.ingest(id)
        return try Self.json(encoding: try await library.report(for: id, base: baseURL(of: request), links: links))
    }

    // MARK: Events

    /// S3 event notifications posted by MinIO webhooks or SNS HTTP subscriptions: each named bundle
    /// object queues its bundle for ingest, which looks at the bucket as it is (so a repeated or stale
    /// event changes nothing). Answers 202 with what was queued and what was not, and why.
    @Sendable func s3Events(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let objects: [S3ObjectEvent]
        do {
            objects = try S3EventNotification.objects(in: Array(buffer: body))
        } catch {
            throw APIError.badRequest(error.description)
        }
        var receipt = EventsReceipt(queued: [], ignored: [])
        for object in objects {
            switch library.bucket.objectKey(notified: object.key) {
            case .object(let key):
                library.queue.submit(key.bundle)
                if !receipt.queued.contains(key.bundle.rawValue) { receipt.queued.append(key.bundle.rawValue) }
            case .outsidePrefix:
                receipt.ignored.append(.init(key: object.key, reason: "outside \(library.bucket.keyPrefix), where this library's bundles are"))
            case .notABundleObject(let error):
                receipt.ignored.append(.init(key: object.key, reason: "\(error)"))
            }
        }
        var response = try Self.json(encoding: receipt)
        response.status = .accepted
        return response
    }

    struct EventsReceipt: Encodable {
        struct Ignored: Encodable {
            var key: String
            var reason: String
        }

        /// Bundle ids queued for ingest.
        var queued: [String]
        var ignored: [Ignored]
    }

    // MARK: Helpers

    private func bundleID(_ raw: String?) throws(APIError) -> BundleID {
        do {
            return try BundleID(validating: raw ?? "")
        } catch {
            throw APIError.badRequest("not a bundle id: \(error)")
        }
    }

    func baseURL(of request: Request) -> String {
        links.baseURL(host: request.head.authority, fallbackHost: fallbackHost)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(encoding value: some Encodable) throws -> Response {
        try JSONResponse.encoding(value)
    }
}

extension FormQuery {
    /// A whole number parameter within `range`; nil when absent or empty, a 400 that says why otherwise.
    static func number(_ name: String, in parameters: [String: String], range: ClosedRange<Int> = 0...Int.max) throws(APIError) -> Int? {
        guard let raw = parameters[name] else { return nil }
        // An empty value is refused like any other that is not a number: the API's document says integer.
        guard let value = Int(raw), range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw APIError.badRequest("\(name) must be a whole number \(bounds), not \(raw.prefix(40).debugDescription)")
        }
        return value
    }
}

/// Reads `GET /songs` query parameters, refusing bad numbers with a clear 400.
enum SongQueryParser {
    static func parse(_ parameters: [String: String]) throws(APIError) -> SongQuery {
        func text(_ name: String) -> String? {
            guard let value = parameters[name], !value.isEmpty else { return nil }
            return value
        }
        func number(_ name: String) throws(APIError) -> Int? { try FormQuery.number(name, in: parameters) }
        return SongQuery(
            genre: text(SongQuery.Parameter.genre),
            artist: text(SongQuery.Parameter.artist),
            album: text(SongQuery.Parameter.album),
            search: text(SongQuery.Parameter.search),
            limit: try number(SongQuery.Parameter.limit),
            offset: try number(SongQuery.Parameter.offset)
        )
    }
}

/// The caller's marks beside a listing: for a whole listing, every mark of theirs read once (a listener
/// has marked far fewer songs than a library holds); for a page, only that page's.
struct ListingMarks: Sendable {
    let listener: UserRecord
    let catalog: any CatalogStore
    let all: [String: SongMarks]?

    init?(for listener: UserRecord?, catalog: any CatalogStore, wholeListing: Bool) async throws(CatalogError) {
        guard let listener else { return nil }
        self.listener = listener
        self.catalog = catalog
        all = wholeListing ? try await catalog.marks(userID: listener.id, songIDs: nil) : nil
    }

    func forPage(_ page: [SongListing]) async throws(CatalogError) -> [String: SongMarks] {
        if let all { return all }
        return try await catalog.marks(userID: listener.id, songIDs: page.map(\.id))
    }
}

/// Changing the library (uploads, deletes, bucket events) takes the service's token or an admin's login.
struct LibraryWriteMiddleware: RouterMiddleware {
    typealias Context = LibraryRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch context.caller {
        case .owner:
            break
        case .listener(let user) where user.isAdmin:
            break
        case .listener:
            throw APIError(.forbidden, "changing the library takes the service's token or an admin's login")
        case .anonymous:
            throw APIError(
                .unauthorized, "this request changes the library and needs a bearer token (termplayer --token or TERMPLAYER_TOKEN)",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}
