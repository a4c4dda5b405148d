public import CurlTransfer
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension SongCache {
    /// Room a download without a `Content-Length` claims at a time, beyond what it has written.
    static let growthStep = 4 << 20

    /// Brings a song's copy up to date with the service, blocking until the download is done.
    ///
    /// With a cached copy it sends `If-None-Match: <etag>`: a 304 leaves the copy (and everything else)
    /// as it was; a 200 downloads the new bytes and replaces it. The bytes go to a partial file in the
    /// cache's folder, flushed and renamed into place in the transaction that lists it, with room made
    /// first by evicting unpinned songs (never one being written). On any failure the partial file and
    /// its claim on room are removed, and the old copy, if any, stays.
    ///
    /// - Throws: `.diskFull` when the disk fills (the UI stops caching and says so), `.tooLarge` when the
    ///   song would not fit even with every unpinned song evicted, `.http` for an error status,
    ///   `.transfer` when the service is unreachable.
    public func fetch(
        songID: String, url: String, session: CurlSession, headers: [(name: String, value: String)] = []
    ) throws(SongCacheError) -> FetchOutcome {
        let existing = try file(for: songID)
        var requestHeaders = headers
        if let etag = existing?.etag { requestHeaders.append((name: "If-None-Match", value: etag)) }
        let receiver = DownloadReceiver()
        let handle = session.stream(TransferRequest(url: url, headers: requestHeaders, stallTimeout: .seconds(30)), to: receiver)
        let download = Download(songID: songID, url: url, token: CacheFiles.newToken())
        do {
            return try receive(download, from: receiver, handle: handle, existing: existing)
        } catch {
            handle.cancel()
            download.part?.discard()
            if download.reserved > 0 || download.part != nil {
                // If even this fails (a full disk can refuse SQLite's log too), the claim goes when this
                // process ends: the next cache opened sees its process gone.
                try? index.write { db in try db.execute(sql: "DELETE FROM writing WHERE token = ?", arguments: [download.token]) }
            }
            throw error
        }
    }

    /// One download's progress, touched only by the thread running `fetch`.
    private final class Download {
        let songID: String
        let url: String
        let token: String
        var part: PartFile?
        var reserved = 0
        var expected: Int?
        var etag: String?
        var notModified = false

        init(songID: String, url: String, token: String) {
            self.songID = songID
            self.url = url
            self.token = token
        }
    }

    private func receive(
        _ download: Download, from receiver: DownloadReceiver, handle: StreamHandle, existing: CachedSong?
    ) throws(SongCacheError) -> FetchOutcome {
        while true {
            let batch = receiver.next()
            if batch.resume { handle.resume() }
            if let head = batch.head {
                switch head.status {
                case 304 where existing != nil:
                    download.notModified = true
                case 200, 0:  // 0: a file URL
                    download.expected = head.header("content-length").flatMap { Int($0) }
                    download.etag = head.header("etag")
                    try reserve(download, bytes: download.expected ?? 0)
                    download.part = try PartFile(path: path(CacheFiles.partName(token: download.token)))
                default:
                    throw .http(url: download.url, status: head.status)
                }
            }
            if let part = download.part {
                for chunk in batch.chunks {
                    if part.written + chunk.count > download.reserved {
                        try reserve(download, bytes: max(part.written + chunk.count, download.reserved + Self.growthStep))
                    }
                    try part.append(chunk)
                }
            }
            guard let finished = batch.finished else { continue }
            if case .failure(let error) = finished { throw .transfer(error) }
            if download.notModified, let existing { return .notModified(existing) }
            guard let part = download.part else { throw .incomplete(url: download.url, expected: download.expected ?? 0, received: 0) }
            if let expected = download.expected, part.written != expected {
                throw .incomplete(url: download.url, expected: expected, received: part.written)
            }
            try part.finish()
            return .stored(try commit(download, part: part))
        }
    }

    /// Claims room for a download (growing its claim), evicting what must go.
    private func reserve(_ download: Download, bytes: Int) throws(SongCacheError) {
        let evicted = try index.write { db in
            let evicted = try makeRoom(db, for: download.songID, bytes: bytes, token: download.token)
            try db.execute(
                sql: """
                    INSERT INTO writing (token, song_id, bytes, pid, started) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (token) DO UPDATE SET bytes = excluded.bytes
                    """,
                arguments: [download.token, download.songID, bytes, getpid(), Date().timeIntervalSince1970])
            return evicted
        }
        download.reserved = bytes
        for song in evicted { CacheFiles.remove(path(song.fileName)) }
    }

    /// Renames the finished file into place and lists it, in one transaction; the copy it replaces is
    /// removed once nobody can find it any more.
    private func commit(_ download: Download, part: PartFile) throws(SongCacheError) -> CachedSong {
        let name = CacheFiles.songName(for: download.songID, token: download.token)
        let final = path(name)
        var renamed = false
        let (old, row): (String?, SongRow?)
        do {
            (old, row) = try index.write { db in
                let old = try String.fetchOne(db, sql: "SELECT file_name FROM songs WHERE song_id = ?", arguments: [download.songID])
                guard rename(part.path, final) == 0 else {
                    throw SongCacheError.file(operation: "move into place", path: part.path, errno: errno)
                }
                renamed = true
                let now = Date().timeIntervalSince1970
                try db.execute(
                    sql: """
                        INSERT INTO songs (song_id, file_name, size, etag, last_played, added) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (song_id) DO UPDATE SET
                            file_name = excluded.file_name, size = excluded.size, etag = excluded.etag, added = excluded.added
                        """,
                    arguments: [download.songID, name, part.written, download.etag, now, now])
                try db.execute(sql: "DELETE FROM writing WHERE token = ?", arguments: [download.token])
                return (old, try SongRow.fetch(db, songID: download.songID))
            }
        } catch {
            if renamed { CacheFiles.remove(final) }
            throw error
        }
        if let old, old != name, CacheFiles.isPlainName(old) { CacheFiles.remove(path(old)) }
        guard let row else { throw .index(path: index.path, code: ResultCode.SQLITE_ERROR.rawValue, message: "song \(download.songID) vanished on commit") }
        return row.song(in: directory)
    }
}
