public import Catalog
import CoverArt
import Foundation
public import LibraryModel
public import Logging
import MPEGAudio
import NIOPosix

/// Brings the catalog in line with what the bucket holds for one bundle.
///
/// `reconcile` looks at the bundle's objects as they are now, not at the event that triggered it, which is
/// what makes ingest hold under every upload order, re-uploads, duplicate events and restarts: running
/// it again for the same bucket state changes nothing.
public struct Ingestor: Sendable {
    let bucket: any BucketStore
    let catalog: any CatalogStore
    let logger: Logger

    public init(bucket: any BucketStore, catalog: any CatalogStore, logger: Logger) {
        self.bucket = bucket
        self.catalog = catalog
        self.logger = logger
    }

    /// The outcome of one reconciliation.
    public struct Outcome: Hashable, Sendable {
        public var state: BundleState
        public var reason: String?
        /// True when the catalog was written (not merely confirmed up to date).
        public var changed: Bool
        /// Set when the run could not finish, so `state` is only what status shows meanwhile: running
        /// again may end differently. Event consumers retry these rather than count them as done.
        public var interruption: Interruption? = nil
    }

    /// Why a reconciliation did not finish.
    public enum Interruption: Hashable, Sendable {
        /// The bucket or the catalog failed; the outcome's reason says how.
        case storageFailed
        /// The ingest queue was closed before the run: the service is stopping.
        case serviceStopping
    }

    public func reconcile(_ id: BundleID) async -> Outcome {
        do {
            return try await reconcileOrThrow(id)
        } catch {
            // Storage trouble is recorded like a bad bundle so it shows in status, and logged for the operator.
            logger.error("ingest of \(id) failed: \(error)")
            let reason = "could not ingest: \(error)"
            try? await catalog.record(ProblemRecord(subject: id.rawValue, state: .rejected, reason: reason))
            return Outcome(state: .rejected, reason: reason, changed: false, interruption: .storageFailed)
        }
    }

    private func reconcileOrThrow(_ id: BundleID) async throws -> Outcome {
        let objects = try await bucket.objects(of: id)
        let existing = try await catalog.song(id)
        let jsonKey = ObjectKey(bundle: id, part: .metadata)
        let audioKey = ObjectKey(bundle: id, part: .audio)

        guard let metadataObject = objects[.metadata] else {
            if existing != nil { try await catalog.removeSong(id) }
            if objects.isEmpty {
                try await catalog.clearProblem(id.rawValue)
                return Outcome(state: .absent, reason: nil, changed: existing != nil)
            }
            return try await pending(id, "waiting for \(jsonKey) (the bundle has \(Self.list(objects)))", removed: existing != nil)
        }

        let cover = objects[.cover] ?? objects[.pngCover]
        if let existing, let audio = objects[.audio],
            existing.metadataETag == metadataObject.etag, existing.audioETag == audio.etag,
            existing.coverETag == cover?.etag, existing.coverKey == cover?.key,
            // No problem, or only a warning about a listed song (its cover).
            try await catalog.problem(id.rawValue).map({ $0.state == .ingested }) ?? true
        {
            return Outcome(state: .ingested, reason: nil, changed: false)
        }

        let metadata: BundleMetadata
        do {
            metadata = try BundleMetadata.parse(Data(try await bucket.contents(of: jsonKey, limit: BundleMetadata.maximumDocumentBytes)))
        } catch let error as MetadataError {
            return try await reject(id, "\(jsonKey): \(error)")
        } catch BucketError.tooLarge(_, let size, _) {
            return try await reject(id, "\(jsonKey): \(MetadataError.tooLarge(bytes: size))")
        }

        guard let audio = objects[.audio] else {
            return try await pending(id, "waiting for \(audioKey)", removed: existing != nil)
        }

        // Probed again even when unchanged: a JSON that relies on ID3 tags needs them (a scan takes ~1 ms).
        let probed = try await bucket.withLocalFile(audioKey) { path in
            Result { () throws(MPEGAudioError) in try MP3Probe.probe(fileAt: path) }
        }
        let probe: MP3Info
        switch probed {
        case .success(let info):
            probe = info
        case .failure(let error):
            if existing != nil { try await catalog.removeSong(id) }
            return try await reject(id, "\(audioKey): \(error)")
        }

        let tags = probe.tags
        let (tagTitle, tagArtist, tagAlbum) = (BundleMetadata.clampedTagText(tags.title), BundleMetadata.clampedTagText(tags.artist), BundleMetadata.clampedTagText(tags.album))
        guard let title = metadata.title ?? tagTitle else {
            return try await reject(id, "no title: \(jsonKey) has none and \(audioKey) has no ID3 title")
        }
        guard let genre = try await genre(of: metadata, tags: tags) else {
            return try await reject(id, "\(jsonKey): \(metadata.genre.map { "\($0)" } ?? "its genre") does not exist; \(Self.seededGenreList)")
        }

        let now = Date()
        let record = SongRecord(
            id: id,
            title: title,
            album: metadata.album ?? tagAlbum ?? "",
            artist: metadata.artist ?? tagArtist ?? "",
            genreID: genre.genreid,
            genreName: genre.genre,
            year: metadata.year ?? tags.year,
            audioKey: audioKey,
            coverKey: cover?.key,
            duration: probe.duration,
            size: audio.size,
            bitrate: probe.bitrate,
            sampleRate: probe.sampleRate,
            channels: probe.channels,
            metadataETag: metadataObject.etag,
            audioETag: audio.etag,
            coverETag: cover?.etag,
            createdAt: existing?.createdAt ?? now,
            updatedAt: now
        )
        try await catalog.upsert(record)
        logger.info("ingested \(id): \(title) — \(record.artist.isEmpty ? "unknown artist" : record.artist)")
        if let cover, let warning = await coverWarning(cover.key) {
            // The song is listed all the same; status says why its cover will not show.
            try await catalog.record(ProblemRecord(subject: id.rawValue, state: .ingested, reason: warning))
            logger.notice("\(id): \(warning)")
            return Outcome(state: .ingested, reason: warning, changed: true)
        }
        return Outcome(state: .ingested, reason: nil, changed: true)
    }

    /// The JSON's genre (a new name makes a genre, as the original's bundles do), else the tag's: a known
    /// name, or one of ID3v1's own, and otherwise the fallback genre, so odd tags add no rows.
    private func genre(of metadata: BundleMetadata, tags: ID3Tags) async throws(CatalogError) -> Genre? {
        if let reference = metadata.genre { return try await catalog.genre(for: reference, create: true) }
        if let name = BundleMetadata.clampedTagText(tags.genre, limit: BundleMetadata.maximumGenreNameLength),
            let genre = try await catalog.genre(for: .name(name), create: ID3Tags.isStandardGenre(name))
        {
            return genre
        }
        return try await catalog.genre(for: .id(Genre.fallbackID), create: true)
    }

    /// Why a cover cannot be shown (not an image, damaged, too big); nil when it can. Decoded whole, as
    /// only that finds a file cut short, but small: JPEGs are scaled down eightfold while decoding.
    private func coverWarning(_ key: ObjectKey) async -> String? {
        do {
            let bytes = try await bucket.contents(of: key, limit: CoverDecoder.maximumBytes)
            try await NIOThreadPool.singleton.runIfActive { _ = try CoverDecoder.decode(bytes, fitting: CoverSize(square: 64)) }
            return nil
        } catch BucketError.tooLarge(_, let size, _) {
            return "\(key) is \(size) bytes, more than a cover may be (\(CoverDecoder.maximumBytes)); the song is listed, its cover will not show"
        } catch {
            return "\(key): \(error); the song is listed, its cover will not show"
        }
    }

    /// Records an object in the bucket that is not part of any bundle, so status can say why it is ignored.
    public func noteForeignObject(named name: String, reason: KeyError) async {
        let problem = ProblemRecord(subject: name, state: .rejected, reason: "ignored, not a bundle object: \(reason)")
        do {
            try await catalog.record(problem)
        } catch {
            logger.error("could not record stray object \(name): \(error)")
        }
    }

    /// Forgets a stray object's problem once the object is gone.
    public func forgetForeignObject(named name: String) async {
        try? await catalog.clearProblem(name)
    }

    // MARK: Outcomes

    private func pending(_ id: BundleID, _ reason: String, removed: Bool) async throws -> Outcome {
        try await catalog.record(ProblemRecord(subject: id.rawValue, state: .pending, reason: reason))
        logger.debug("\(id) pending: \(reason)")
        return Outcome(state: .pending, reason: reason, changed: removed)
    }

    private func reject(_ id: BundleID, _ reason: String) async throws -> Outcome {
        try await catalog.record(ProblemRecord(subject: id.rawValue, state: .rejected, reason: reason))
        logger.notice("\(id) rejected: \(reason)")
        return Outcome(state: .rejected, reason: reason, changed: false)
    }

    private static func list(_ objects: [BundlePart: ObjectInfo]) -> String {
        objects.values.map(\.key.name).sorted().joined(separator: ", ")
    }

    static let seededGenreList =
        "known ids are " + Genre.seeded.map { "\($0.genreid) \($0.genre)" }.joined(separator: ", ")
        + " and any genre created by name since"
}
