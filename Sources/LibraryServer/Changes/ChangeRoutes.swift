import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import LibraryModel
import NIOCore
import ServiceLifecycle
import WireFormats

/// `GET /changes` (long-poll) and `GET /events` (Server-Sent Events): the feed of everything a client can
/// see change, each change with its subject as it is now — a song in the `/songs` shape, with the caller's
/// marks when the caller said who they are; the caller's own marks; a playlist they may see.
extension LibraryRoutes {
    static let maximumChangesPerPage = 1000
    static let defaultChangesPerPage = 500
    static let defaultWait = 25
    static let maximumWait = 60
    /// How long an event stream waits before a keep-alive comment; also how soon a stream whose client
    /// went away notices (its write fails).
    static let eventKeepAlive = Duration.seconds(5)
    static let lastEventID = HTTPField.Name("Last-Event-ID")
    static let changesPosition = HTTPField.Name(APIPath.changesPositionHeader)

    func addChanges(to router: Router<LibraryRequestContext>) {
        router.get(RouterPath(APIPath.changes), use: changes)
        router.get(RouterPath(APIPath.events), use: events)
    }

    /// What a request asks of the feed.
    struct FeedRequest {
        var since: Int
        var limit: Int
        var wait: Int
    }

    /// `since` from the query, else `sinceHeader`, else `defaultSince` (an event stream opened with no
    /// position starts from now, as an `EventSource` without `Last-Event-ID` expects).
    func feedRequest(
        _ request: Request, sinceHeader: String? = nil, defaultSince: String? = nil, defaultWait: Int = defaultWait
    ) async throws -> FeedRequest {
        let parameters = FormQuery.parse(request.uri.query)
        let limit = try FormQuery.number("limit", in: parameters, range: 1...Self.maximumChangesPerPage) ?? Self.defaultChangesPerPage
        let wait = try FormQuery.number("wait", in: parameters, range: 0...Self.maximumWait) ?? defaultWait
        // A Last-Event-ID that is not a position is refused even beside since: it was not one of ours.
        if let sinceHeader, sinceHeader != "latest", Int(sinceHeader).map({ $0 < 0 }) ?? true {
            throw APIError.badRequest("Last-Event-ID must be a position the stream sent, not \(sinceHeader.prefix(40).debugDescription)")
        }
        let raw = parameters["since"] ?? sinceHeader ?? defaultSince
        guard let raw else { throw APIError.badRequest("since is required: a position from the feed or a listing's \(APIPath.changesPositionHeader), or latest") }
        if raw == "latest" {
            return FeedRequest(since: try await catalogCall { try await library.catalog.changeBounds() }.latest, limit: limit, wait: 0)
        }
        guard let since = Int(raw), since >= 0 else { throw APIError.badRequest("since must be a position (a whole number ≥ 0) or latest, not \(raw.prefix(40).debugDescription)") }
        return FeedRequest(since: since, limit: limit, wait: wait)
    }

    @Sendable func changes(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let listener = try await identifiedListener(context)
        let ask = try await feedRequest(request)
        let base = baseURL(of: request)
        // Every client a change wakes asks for the same page: an anonymous one is written once and kept until
        // the feed moves on. Only pages with something in them, so a long-poll at the end still waits.
        var hot: (key: String, position: Int)?
        if listener == nil {
            let latest = try await feedPosition()
            if ask.since < latest {
                let key = "\(base) changes \(ask.since) \(ask.limit)"
                hot = (key, latest)
                if let page = hotListings.page(for: key, at: latest) {
                    return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: page))
                }
            }
        }
        let page = try await feedPage(after: ask.since, limit: ask.limit, wait: .seconds(ask.wait), for: listener, request: request)
        let bytes = ByteBuffer(bytes: try ChangeJSON(base: base, links: links).page(page))
        if let hot { hotListings.keep(bytes, for: hot.key, at: hot.position) }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: bytes))
    }

    /// The same feed as events: `id:` is each change's position (`Last-Event-ID` resumes after it), the
    /// data the change's JSON. A comment keeps the connection open when nothing happens.
    @Sendable func events(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let listener = try await identifiedListener(context)
        let ask = try await feedRequest(request, sinceHeader: Self.lastEventID.flatMap { request.headers[$0] }, defaultSince: "latest", defaultWait: 0)
        // The cursor is checked before the stream starts, so an expired one is a proper 410.
        let opening = try await feedPage(after: ask.since, limit: ask.limit, wait: .zero, for: listener, request: request)
        let json = ChangeJSON(base: baseURL(of: request), links: links)
        let body = ResponseBody { [self] writer in
            var first = opening
            var cursor = ask.since
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
            // A shutdown ends the stream (the client reconnects elsewhere with Last-Event-ID).
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                var text = ""
                for change in first.changes {
                    var data: [UInt8] = []
                    try json.append(change, to: &data)
                    text += "id: \(change.change.position)\nevent: change\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
                }
                if text.isEmpty { text = ": keep-alive\n\n" }
                try await writer.write(ByteBuffer(string: text))
                cursor = first.next
                do {
                    first = try await feedPage(after: cursor, limit: ask.limit, wait: first.more ? .zero : Self.eventKeepAlive, for: listener, request: request)
                } catch let error as APIError where error.status == .gone {
                    try await writer.write(ByteBuffer(string: "event: expired\ndata: {\"error\":\"the feed no longer holds position \(cursor)\"}\n\n"))
                    break
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"], body: body)
    }

    /// The changes after `position` the listener may see, waiting up to `wait` when there are none.
    /// A position the feed no longer holds (or never held: another catalog's) is 410: sync whole.
    func feedPage(after position: Int, limit: Int, wait: Duration, for listener: UserRecord?, request: Request) async throws -> FeedPage {
        let catalog = library.catalog
        var bounds = try await catalogCall { try await catalog.changeBounds() }
        if position > bounds.latest || (bounds.oldest.map { position < $0 - 1 } ?? false) {
            throw APIError(.gone, "the feed no longer holds position \(position) (it holds \(bounds.oldest.map { "\($0)" } ?? "none")…\(bounds.latest)): fetch the listing again and follow from its \(APIPath.changesPositionHeader)")
        }
        if bounds.latest == position, wait > .zero {
            _ = await library.changeWatcher.wait(beyond: position, timeout: wait)
            bounds = try await catalogCall { try await catalog.changeBounds() }
        }
        let latest = bounds.latest
        let records = try await catalogCall { try await catalog.changes(after: position, limit: limit, visibleTo: listener?.id) }
        let more = records.count == limit
        // Changes up to `latest` were all committed when it was read, so a page short of the limit has
        // seen them all: the cursor moves to it even past changes this caller may not see.
        let next = more ? (records.last?.position ?? position) : max(latest, records.last?.position ?? position)
        return FeedPage(changes: try await describe(records, for: listener), next: next, more: more)
    }

    /// Each change with its subject as it is now, the latest of each subject only.
    private func describe(_ records: [ChangeRecord], for listener: UserRecord?) async throws(APIError) -> [FeedChange] {
        var latestOf: [String: Int] = [:]
        for (index, record) in records.enumerated() { latestOf["\(record.kind.rawValue) \(record.subject)"] = index }
        let kept = records.enumerated().filter { latestOf["\($0.element.kind.rawValue) \($0.element.subject)"] == $0.offset }.map(\.element)
        let catalog = library.catalog
        let songIDs = kept.filter { $0.kind == .song }.map(\.subject)
        let markedIDs = kept.filter { $0.kind == .marks }.map(\.subject)
        let listings = songIDs.isEmpty ? [] : try await catalogCall { try await catalog.songListings(ids: songIDs) }
        let songs = Dictionary(listings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var marks: [String: SongMarks] = [:]
        if let listener, !(songIDs + markedIDs).isEmpty {
            marks = try await catalogCall { try await catalog.marks(userID: listener.id, songIDs: songIDs + markedIDs) }
        }
        let genres = kept.contains { $0.kind == .genre } ? try await catalogCall { try await catalog.genres() } : []
        var changes: [FeedChange] = []
        for record in kept {
            var change = Change(position: record.position, at: ISOTime.format(record.at), kind: Change.Kind(record.kind), id: record.subject)
            switch record.kind {
            case .song:
                let listing = songs[record.subject]
                changes.append(FeedChange(change: change, song: listing, marks: listener == nil || listing == nil ? nil : marks[record.subject] ?? .empty))
                continue
            case .genre:
                guard let genre = genres.first(where: { SearchKey.fold($0.genre) == record.subject }) else { continue }
                change.id = "\(genre.genreid)"
                change.genre = genre
            case .marks:
                let mark = marks[record.subject] ?? .empty
                change.marks = SongMark(id: record.subject, liked: mark.likedAt != nil, likedAt: mark.likedAt.map(ISOTime.format), rating: mark.rating)
            case .playlist:
                let playlist = try await catalogCall { try await catalog.playlist(id: record.subject) }
                if let playlist, playlist.isPublic || playlist.ownerID == listener?.id { change.playlist = ListenerRoutes.summary(playlist) }
            }
            changes.append(FeedChange(change: change))
        }
        return changes
    }

    /// The feed's position now, for a listing: read before the listing, so a client following the feed
    /// from it misses nothing (and may see a change it already has).
    func feedPosition() async throws(APIError) -> Int {
        try await catalogCall { try await library.catalog.changeBounds() }.latest
    }

    static func listingHeaders(position: Int) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let name = changesPosition { headers[name] = "\(position)" }
        return headers
    }
}

extension Change.Kind {
    init(_ kind: ChangeRecord.Kind) {
        switch kind {
        case .song: self = .song
        case .genre: self = .genre
        case .marks: self = .marks
        case .playlist: self = .playlist
        }
    }
}
