import Foundation
import LibraryModel
import Catalog
import CatalogSQLite
@testable import LibraryServer
import Logging
import SystemPackage
import TestSupport
import Testing

@Suite("Ingest")
struct IngestTests {
    /// A bucket and catalog in a temporary folder, with the ingestor and queue over them.
    struct Rig {
        let bucket: LocalBucket
        let catalog: SQLCatalog
        let ingestor: Ingestor
        let folder: URL

        init() async throws {
            folder = try Fixtures.temporaryDirectory("ingest")
            bucket = try LocalBucket(root: FilePath(folder.appendingPathComponent("bucket").path), staging: FilePath(folder.appendingPathComponent("tmp").path))
            catalog = SQLCatalog(engine: try SQLiteEngine(path: FilePath(folder.appendingPathComponent("catalog.sqlite").path)))
            try await catalog.migrate()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            ingestor = Ingestor(bucket: bucket, catalog: catalog, logger: logger)
        }

        func drop(_ name: String, _ data: Data) throws {
            try data.write(to: folder.appendingPathComponent("bucket").appendingPathComponent(name))
        }
    }

    @Test("reconciling twice changes nothing the second time")
    func idempotent() async throws {
        let rig = try await Rig()
        try rig.drop("x.json", Fixtures.bundleJSON(title: "X"))
        try rig.drop("x.mp3", Data(contentsOf: Fixtures.toneMP3(seconds: 0.3)))
        let id = try BundleID(validating: "x")
        let first = await rig.ingestor.reconcile(id)
        #expect(first.state == .ingested && first.changed)
        let second = await rig.ingestor.reconcile(id)
        #expect(second.state == .ingested && !second.changed)
    }

    @Test("a replaced MP3 is probed again: the catalog follows the new file")
    func replacedAudio() async throws {
        let rig = try await Rig()
        let id = try BundleID(validating: "x")
        try rig.drop("x.json", Fixtures.bundleJSON(title: "X"))
        try rig.drop("x.mp3", Data(contentsOf: Fixtures.toneMP3(seconds: 0.5)))
        _ = await rig.ingestor.reconcile(id)
        try rig.drop("x.mp3", Data(contentsOf: Fixtures.toneMP3(seconds: 1.5)))
        #expect(await rig.ingestor.reconcile(id).changed)
        #expect(abs((try await rig.catalog.song(id)?.duration ?? 0) - 1.5) < 0.01)
    }

    @Test("the queue folds repeated requests for a bundle into a few runs")
    func queueCoalesces() async throws {
        let rig = try await Rig()
        try rig.drop("q.json", Fixtures.bundleJSON(title: "Q"))
        try rig.drop("q.mp3", Data(contentsOf: Fixtures.toneMP3(seconds: 0.3)))
        let queue = IngestQueue(ingestor: rig.ingestor)
        let id = try BundleID(validating: "q")
        let workers = Task { await queue.run(workers: 4) }
        let outcomes = await withTaskGroup(of: IngestQueue.Outcome.self) { group in
            for _ in 0..<30 { group.addTask { await queue.ingest(id) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0.state == .ingested })
        #expect(queue.completed < 30, "requests were folded together (\(queue.completed) runs)")
        #expect(try await rig.catalog.songCount() == 1)
        #expect(queue.backlog == 0)
        queue.close()
        await workers.value
    }

    @Test("a waiting caller (an upload) goes ahead of a start-up backlog")
    func urgentFirst() async throws {
        let rig = try await Rig()
        let queue = IngestQueue(ingestor: rig.ingestor)
        for index in 0..<500 { queue.submit(try BundleID(validating: "backlog-\(index)")) }
        let target = try BundleID(validating: "upload")
        let upload = Task { await queue.ingest(target) }
        while queue.backlog < 501 { await Task.yield() }
        let workers = Task { await queue.run(workers: 1) }
        _ = await upload.value
        #expect(queue.completed < 50, "the upload waited for \(queue.completed) runs")
        queue.close()
        await workers.value
    }

    @Test("a request made while its bundle is running gets a run that sees the newer state")
    func requestDuringRun() async throws {
        let rig = try await Rig()
        let queue = IngestQueue(ingestor: rig.ingestor)
        let id = try BundleID(validating: "late")
        let workers = Task { await queue.run(workers: 2) }
        try rig.drop("late.json", Fixtures.bundleJSON(title: "Late"))
        let pending = await queue.ingest(id)
        #expect(pending.state == .pending)
        try rig.drop("late.mp3", Data(contentsOf: Fixtures.toneMP3(seconds: 0.3)))
        #expect(await queue.ingest(id).state == .ingested)
        queue.close()
        await workers.value
        #expect(await queue.ingest(id).reason == "the service is stopping", "after close, callers hear why instead of waiting")
    }
}
