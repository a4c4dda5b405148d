public import Catalog
import Foundation
import LibraryModel
import OSThreads
public import Logging
public import ServiceLifecycle
import Synchronization
public import SystemPackage

/// The library behind the API: a bucket, a catalog, and the ingest that keeps the second true to the first.
///
/// As a `Service` it runs the ingest workers, reconciles the whole bucket once at start (catching up on
/// anything that changed while the service was down), and follows the bucket's external changes.
public final class LibraryService: Service {
    public let bucket: any BucketStore
    public let catalog: any CatalogStore
    public let queue: IngestQueue
    /// The model recommendations answer from, kept fresh while the service runs.
    public let recommendations: Recommendations
    /// Wakes long-polls of the change feed when it moves.
    public let changeWatcher: ChangeWatcher
    /// How many changes the feed keeps; a client whose cursor is older syncs whole.
    let changeRetention: Int
    let ingestor: Ingestor
    let stager: UploadStager
    let logger: Logger
    let workers: Int
    /// Whether the bucket is walked whole at start (see `ServeOptions.scanAtStart`).
    let scanAtStart: Bool
    /// Genres never change once created, so lookups by name or id are answered from memory after the first.
    private let knownGenres = Mutex<[String: Genre]>([:])

    public init(
        bucket: any BucketStore, catalog: any CatalogStore, stagingDirectory: FilePath, logger: Logger, workers: Int = 4,
        scanAtStart: Bool = true, recommendationTiming: Recommendations.Timing = Recommendations.Timing(), changeRetention: Int = 100_000
    ) {
        self.bucket = bucket
        self.catalog = catalog
        self.logger = logger
        self.workers = workers
        self.scanAtStart = scanAtStart
        self.ingestor = Ingestor(bucket: bucket, catalog: catalog, logger: logger)
        self.queue = IngestQueue(ingestor: ingestor)
        self.stager = UploadStager(directory: stagingDirectory)
        self.recommendations = Recommendations(catalog: catalog, logger: logger, timing: recommendationTiming)
        self.changeWatcher = ChangeWatcher(catalog: catalog)
        self.changeRetention = changeRetention
    }

    /// Runs until graceful shutdown: ingest workers, the start-up reconciliation, and the change feed.
    public func run() async throws {
        let changes = bucket.externalChanges()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.queue.run(workers: self.workers) }
            group.addTask { await self.recommendations.keepFresh() }
            group.addTask { await self.pruneChanges() }
            group.addTask {
                guard let changes else {
                    if self.scanAtStart { await self.reconcileEverything() }
                    return
                }
                await cancelWhenGracefulShutdown {
                    var armed = false
                    for await change in changes {
                        if change == .watching, !armed {
                            armed = true
                            if self.scanAtStart { await self.reconcileEverything() }
                        } else {
                            await self.handle(change)
                        }
                    }
                }
            }
            try? await gracefulShutdown()
            queue.close()
            group.cancelAll()
        }
        catalog.close()
    }

    /// Every ten minutes, forgets changes beyond the feed's retention.
    private func pruneChanges() async {
        while !Task.isCancelled {
            do {
                try await catalog.pruneChanges(keepingLatest: changeRetention)
            } catch {
                logger.warning("could not prune the change feed: \(error)")
            }
            try? await Task.sleep(for: .seconds(600))
        }
    }

    /// Queues every bundle the bucket holds and every song whose JSON is gone, so bucket and catalog agree
    /// again. Bundles already up to date cost a few `stat`s each. The listing waits while the queue is long,
    /// so a library of any size is walked in constant memory.
    public func reconcileEverything() async {
        do {
            try await bucket.list { page in
                for id in Set(page.objects.map(\.key.bundle)) { self.queue.submit(id) }
                for foreign in page.foreignNames {
                    await self.ingestor.noteForeignObject(named: foreign.name, reason: foreign.reason)
                }
                await self.waitForBacklog(below: Self.backlogLimit)
            }
            var after: BundleID?
            while true {
                let ids = try await catalog.songIDs(after: after, limit: 1000)
                for id in ids where try await bucket.info(ObjectKey(bundle: id, part: .metadata)) == nil {
                    queue.submit(id)
                }
                guard let last = ids.last else { break }
                after = last
            }
        } catch {
            logger.error("could not reconcile the library with \(bucket.description): \(error)")
        }
        // A walk of a big bucket allocates and frees far more than the service keeps.
        SystemMemory.releaseFreed()
    }

    private static let backlogLimit = 4000

    private func waitForBacklog(below limit: Int) async {
        while queue.backlog >= limit, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func handle(_ change: BucketChange) async {
        switch change {
        case .object(let key):
            queue.submit(key.bundle)
        case .foreign(let name, let present):
            if present, case .failure(let reason) = Result(catching: { () throws(KeyError) in try ObjectKey(validating: name) }) {
                await ingestor.noteForeignObject(named: name, reason: reason)
            } else {
                await ingestor.forgetForeignObject(named: name)
            }
        case .watching:
            break
        case .rescanNeeded:
            logger.notice("bucket changes were lost; looking at everything again")
            await reconcileEverything()
        }
    }

    // MARK: Operations the routes use

    /// Stores a staged upload as `key`.
    func store(_ key: ObjectKey, stagedFile: FilePath) async throws(BucketError) -> ObjectInfo {
        try await bucket.store(key, fromStagedFile: stagedFile)
    }

    /// Resolves a query's genre (name or id) and folds its text; nil when the genre does not exist.
    func filter(for query: SongQuery) async throws(CatalogError) -> SongFilter? {
        var genreID: Int?
        if let genre = query.genre {
            guard let found = try await knownGenre(genre) else { return nil }
            genreID = found.genreid
        }
        return SongFilter(genreID: genreID, artist: query.artist, album: query.album, search: query.search)
    }

    /// A genre by id ("6") or name (any case), from memory when it was looked up before.
    private func knownGenre(_ text: String) async throws(CatalogError) -> Genre? {
        let reference: GenreReference = Int(text).map(GenreReference.id) ?? .name(text)
        let key = Int(text).map { "#\($0)" } ?? SearchKey.fold(text)
        if let known = knownGenres.withLock({ $0[key] }) { return known }
        guard let found = try await catalog.genre(for: reference, create: false) else { return nil }
        knownGenres.withLock { $0[key] = found }
        return found
    }

    func status() async throws(CatalogError) -> LibraryStatus {
        LibraryStatus(
            songs: try await catalog.songCount(),
            genres: try await catalog.genres().count,
            storage: bucket.description,
            catalog: catalog.description,
            problems: try await catalog.problems().map(\.bundleProblem)
        )
    }

    func report(for id: BundleID, base: String, links: MediaLinks) async throws -> BundleReport {
        let objects = try await bucket.objects(of: id)
        let song = try await catalog.song(id)
        let problem = try await catalog.problem(id.rawValue)
        let state: BundleState =
            if let problem { problem.state } else if song != nil { .ingested } else if objects.isEmpty { .absent } else { .pending }
        return BundleReport(
            id: id.rawValue,
            state: state,
            reason: problem?.reason,
            objects: objects.values.map(\.key.name).sorted(),
            song: song.map { SongJSON.song($0, base: base, links: links) }
        )
    }
}

extension ProblemRecord {
    var bundleProblem: BundleProblem {
        BundleProblem(bundle: subject, state: state, reason: reason, since: since.formatted(.iso8601))
    }
}
