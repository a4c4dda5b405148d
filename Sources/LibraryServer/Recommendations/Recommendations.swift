public import Catalog
import Foundation
public import Logging
import OSThreads
public import Recommender

/// The recommendation model the service answers from, and its upkeep.
///
/// The model (everyone's sessions, neighbours, popularity) is built from the catalog and rebuilt in
/// the background when the catalog's listening stamp changes, checked every `checkInterval` and at
/// most once per `minimumRebuildInterval` — so every replica on one database converges on the same
/// model. What a listener just did never waits for a rebuild: each request reads their own marks and
/// latest plays afresh, so a play is followed by the very next radio pick.
public actor Recommendations {
    public struct Timing: Sendable {
        public var checkInterval: Duration
        public var minimumRebuildInterval: Duration

        public init(checkInterval: Duration = .seconds(15), minimumRebuildInterval: Duration = .seconds(60)) {
            self.checkInterval = checkInterval
            self.minimumRebuildInterval = minimumRebuildInterval
        }
    }

    /// Rows per catalog read while building: bounds the memory a read holds.
    static let pageSize = 5000
    /// How many of a listener's latest plays say what they are listening to now.
    static let recentPlays = 50

    private let catalog: any CatalogStore
    private let logger: Logger
    public let timing: Timing
    private var current: (model: RecommendationModel, stamp: ListeningStamp, builtAt: ContinuousClock.Instant)?
    private var building: Task<RecommendationModel, any Error>?

    public init(catalog: any CatalogStore, logger: Logger, timing: Timing = Timing()) {
        self.catalog = catalog
        self.logger = logger
        self.timing = timing
    }

    /// The model to answer from: the current one, or the first one once it is built.
    public func model() async throws(CatalogError) -> RecommendationModel {
        if let current { return current.model }
        return try await rebuild()
    }

    /// Builds a model from the catalog as it is now; callers arriving meanwhile share the build.
    @discardableResult
    public func rebuild() async throws(CatalogError) -> RecommendationModel {
        let task: Task<RecommendationModel, any Error>
        if let building {
            task = building
        } else {
            task = Task { [catalog, logger] in
                let stamp = try await catalog.listeningStamp()
                let started = ContinuousClock.now
                let model = try await Self.build(from: catalog)
                logger.info("recommendation model built", metadata: [
                    "songs": "\(model.songCount)", "plays": "\(model.plays)", "neighbours": "\(model.neighbourEntries)",
                    "seconds": "\(String(format: "%.2f", Self.seconds(ContinuousClock.now - started)))",
                ])
                self.finished(model, stamp: stamp)
                return model
            }
            building = task
        }
        do {
            return try await task.value
        } catch let error as CatalogError {
            building = nil
            throw error
        } catch {
            building = nil
            throw .database(operation: "build recommendations", code: "", message: "\(error)")
        }
    }

    private func finished(_ model: RecommendationModel, stamp: ListeningStamp) {
        current = (model, stamp, .now)
        building = nil
    }

    /// Runs until cancelled: rebuilds when the catalog's listening has changed.
    public func keepFresh() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: timing.checkInterval)
            guard let current, ContinuousClock.now - current.builtAt >= timing.minimumRebuildInterval else { continue }
            do {
                if try await catalog.listeningStamp() != current.stamp { try await rebuild() }
            } catch {
                logger.warning("could not refresh recommendations: \(error)")
            }
        }
    }

    /// Reads songs, shared plays and shared marks in pages, then builds on a thread of its own: a
    /// rebuild is seconds of CPU, which must not hold one of the service's few cooperative threads.
    static func build(from catalog: any CatalogStore) async throws(CatalogError) -> RecommendationModel {
        var songs: [SongFacts] = []
        var after: String?
        while true {
            let page = try await catalog.songListings(after: after, limit: pageSize)
            songs += page.map { SongFacts(id: $0.id, title: $0.title, artist: $0.artist, album: $0.album, genre: $0.genre, year: $0.year, duration: $0.duration) }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.id
        }
        var builder = ModelBuilder(songs: songs)
        var cursor: PlayRecord?
        while true {
            let page = try await catalog.sharedPlays(after: cursor, limit: pageSize)
            for play in page { builder.add(Self.listen(play)) }
            guard page.count == pageSize, let last = page.last else { break }
            cursor = last
        }
        for appeal in try await catalog.sharedAppeal() {
            builder.setAppeal(SongAppeal(likes: appeal.likes, goodRatings: appeal.goodRatings, poorRatings: appeal.poorRatings), songID: appeal.songID)
        }
        let ready = builder
        return await withCheckedContinuation { continuation in
            OSThread.detach(name: "recommender") { continuation.resume(returning: ready.build()) }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func listen(_ play: PlayRecord) -> Listen {
        Listen(
            listener: play.userID, song: play.songID, startedAt: play.startedAt.timeIntervalSince1970, played: play.playedSeconds,
            counted: play.counted, skipped: play.skipped)
    }

    /// A listener's taste as of now, read fresh for every request.
    public func taste(of user: UserRecord) async throws(CatalogError) -> ListenerTaste {
        // Read afresh: the caller's record may be a cached one, and another replica may have changed it.
        let sharing = try await catalog.user(id: user.id)?.sharesListening ?? user.sharesListening
        let marks = try await catalog.marks(userID: user.id, songIDs: nil)
        let recent = try await catalog.history(userID: user.id, before: nil, limit: Self.recentPlays)
        return ListenerTaste(
            marks: marks.mapValues { mark in
                SongTaste(
                    liked: mark.likedAt != nil, rating: mark.rating, plays: mark.plays, skips: mark.skips,
                    lastPlayed: mark.lastPlayed?.timeIntervalSince1970)
            },
            recent: recent.reversed().map { Self.listen($0.play) },
            usesSharedSignal: sharing)
    }
}
