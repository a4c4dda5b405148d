import Catalog
import Foundation
import Hummingbird
import LibraryModel
import ListeningFormats
import NIOCore
import Synchronization
import WireFormats

/// The files listeners bring and take: M3U8 and XSPF playlists, ListenBrainz-style listening history.
extension ListenerRoutes {
    /// Listens matched against the library, a batch at a time (the command streams a big export in batches).
    @Sendable func importHistory(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let body = try await collect(request, limit: 8 << 20)
        let listens = try JSONBody.decode(HistoryImport.self, from: Data(body.readableBytesView)).listens
        guard listens.count <= Self.maximumListensPerImport else {
            throw APIError(.contentTooLarge, "at most \(Self.maximumListensPerImport) listens per request, not \(listens.count); send them in batches")
        }
        let matcher = try await matchers.matcher(for: catalog)
        var plays: [PlayRecord] = []
        var unmatched: [String] = []
        var unmatchedCount = 0
        for listen in listens {
            guard let listenedAt = ISOTime.parse(listen.listenedAt), Self.isPlausible(listenedAt),
                let songID = matcher.match(
                    songID: listen.songId, location: nil, artist: listen.artist, title: listen.title, album: listen.album, duration: nil),
                let duration = matcher.duration(of: songID)
            else {
                unmatchedCount += 1
                if unmatched.count < 20 { unmatched.append("\(listen.artist ?? "?") — \(listen.title ?? listen.songId ?? "?") (\(listen.listenedAt))") }
                continue
            }
            // Most exports do not say how long a listen lasted: a listen is then a whole play.
            let played = min(listen.playedSeconds ?? duration, duration)
            let judged = PlayRecord.judge(played: played, duration: duration)
            plays.append(
                PlayRecord(
                    userID: user.id, songID: songID, startedAt: listenedAt, playedSeconds: played, counted: judged.counted,
                    skipped: judged.skipped, client: "import"))
        }
        let added = try await catalogCall { try await catalog.recordPlays(plays) }
        return try JSONResponse.encoding(
            PlaysReceipt(added: added, duplicates: plays.count - added, unmatched: unmatchedCount, unmatchedExamples: unmatched))
    }

    /// Every play as JSON Lines in ListenBrainz's shape (TermPlayer's song id and play length in
    /// `additional_info`), newest first, streamed a thousand at a time.
    @Sendable func exportHistory(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let catalog = self.catalog
        let first = try await catalogCall { try await catalog.history(userID: user.id, before: nil, limit: 1000) }
        let body = ResponseBody { writer in
            var page = first
            while !page.isEmpty {
                var lines = ""
                for (play, song) in page {
                    lines += ListenFiles.render(
                        ExportedListen(
                            songId: play.songID, artist: song?.artist, title: song?.title, album: song?.album,
                            listenedAt: ISOTime.format(play.startedAt), playedSeconds: play.playedSeconds, durationSeconds: song?.duration))
                    lines += "\n"
                }
                try await writer.write(ByteBuffer(string: lines))
                guard page.count == 1000, let last = page.last?.play.startedAt else { break }
                page = try await catalog.history(userID: user.id, before: last, limit: 1000)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-ndjson", .contentDisposition: #"attachment; filename="termplayer-history.jsonl""#],
            body: body)
    }

    /// A playlist file in the body (`?format=m3u8|xspf`, else told from the bytes and `?filename=`),
    /// matched to songs by id or URL, else by artist and title; what matched becomes a new playlist.
    @Sendable func importPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let query = FormQuery.parse(request.uri.query)
        let bytes = Array(buffer: try await collect(request, limit: 16 << 20))
        var format: PlaylistFormat?
        if let raw = query["format"], !raw.isEmpty {
            guard let named = PlaylistFormat(rawValue: raw.lowercased()) else { throw APIError.badRequest("format is m3u8 or xspf, not \(raw.prefix(20))") }
            format = named
        }
        let file: PlaylistFile
        do throws(PlaylistFileError) {
            if let format {
                file = try PlaylistFiles.parse(bytes, format: format)
            } else {
                file = try PlaylistFiles.parse(bytes, fileName: query["filename"])
            }
        } catch {
            throw APIError.badRequest("not a playlist this service reads: \(error)")
        }
        let matcher = try await matchers.matcher(for: catalog)
        var songs: [String] = []
        var unmatched: [String] = []
        for entry in file.entries {
            if let id = matcher.match(
                songID: entry.songID, location: entry.location, artist: entry.artist, title: entry.title, album: entry.album, duration: entry.duration)
            {
                songs.append(id)
            } else {
                let named = [entry.artist, entry.title].compactMap { $0 }.joined(separator: " — ")
                unmatched.append(named.isEmpty ? entry.location ?? "(an empty entry)" : named)
            }
        }
        let name = query["name"].flatMap { $0.isEmpty ? nil : $0 } ?? file.name ?? "Imported playlist"
        let playlist = try await newPlaylist(named: name, description: file.description ?? "", isPublic: false, songs: songs, owner: user)
        return try JSONResponse.encoding(
            PlaylistImportReceipt(playlist: Self.summary(playlist), matched: songs.count, unmatched: unmatched), status: .created)
    }

    /// `?format=m3u8` (the default) or `xspf`, with absolute URLs other players can stream.
    @Sendable func exportPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = context.parameters.get("id") ?? ""
        let raw = FormQuery.parse(request.uri.query)["format"] ?? "m3u8"
        guard let format = PlaylistFormat(rawValue: raw.lowercased()) else { throw APIError.badRequest("format is m3u8 or xspf, not \(raw.prefix(20))") }
        let name: String
        let description: String
        let entries: [ListedSong]
        if let smart = SmartPlaylist(rawValue: id) {
            (name, description) = (smart.title, "")
            entries = try await smartList(smart, for: user)
        } else {
            let playlist = try await visiblePlaylist(id, to: user)
            (name, description) = (playlist.name, playlist.description)
            entries = try await catalogCall { try await catalog.playlistEntries(id: playlist.id) }
        }
        let base = baseURL(of: request)
        // Unavailable entries have nothing to stream; they stay in the playlist here but not in the file.
        let file = PlaylistFile(
            name: name, description: description.isEmpty ? nil : description,
            entries: entries.compactMap { entry in
                entry.song.map { song in
                    PlaylistFileEntry(
                        location: links.url(for: song.audioKey, base: base), title: song.title, artist: song.artist, album: song.album,
                        duration: song.duration, songID: song.id)
                }
            })
        let contentType = format == .xspf ? "application/xspf+xml" : "audio/x-mpegurl"
        let fileName = name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "-" }.joined()
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(fileName).\(format.rawValue)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: PlaylistFiles.render(file, as: format))))
    }

    private func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "the body is over \(limit >> 20) MiB, the most this request takes")
        }
    }
}

/// The library as a `SongMatcher`, rebuilt when it is more than a few seconds old: imports come in
/// batches, and reading 100,000 songs for each would be most of their cost.
final class SongMatchers: Sendable {
    private let cached = Mutex<(matcher: SongMatcher, durations: [String: Double], built: ContinuousClock.Instant)?>(nil)

    struct Matcher {
        let matcher: SongMatcher
        let durations: [String: Double]

        func match(songID: String?, location: String?, artist: String?, title: String?, album: String?, duration: Double?) -> String? {
            matcher.match(songID: songID, location: location, artist: artist, title: title, album: album, duration: duration)
        }

        func duration(of id: String) -> Double? { durations[id] }
    }

    func matcher(for catalog: any CatalogStore) async throws(APIError) -> Matcher {
        if let cached = cached.withLock({ $0 }), ContinuousClock.now - cached.built < .seconds(10) {
            return Matcher(matcher: cached.matcher, durations: cached.durations)
        }
        var songs: [MatchableSong] = []
        var cursor: SongCursor?
        while true {
            let page = try await catalogCall { try await catalog.songs(matching: SongFilter(), after: cursor, offset: 0, limit: 5000) }
            songs += page.map { MatchableSong(id: $0.id, title: $0.title, artist: $0.artist, album: $0.album, duration: $0.duration) }
            guard page.count == 5000, let last = page.last else { break }
            cursor = last.cursor
        }
        let matcher = SongMatcher(songs)
        let durations = Dictionary(songs.map { ($0.id, $0.duration ?? 0) }, uniquingKeysWith: { first, _ in first })
        cached.withLock { $0 = (matcher, durations, .now) }
        return Matcher(matcher: matcher, durations: durations)
    }
}
