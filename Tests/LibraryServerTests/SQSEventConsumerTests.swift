import AWSClients
import Foundation
import LibraryModel
import Catalog
import CatalogSQLite
@testable import LibraryServer
import Logging
import ServiceLifecycle
import NIOCore
import Synchronization
import SystemPackage
import TestSupport
import Testing
import WireFormats

/// The SQS consumer against moto's queues, over the local bucket and SQLite: events ingest, at least once,
/// and what cannot be ingested is dead-lettered without holding up the rest.
@Suite("SQS event consumer", .enabled(if: TestServices.awsEndpoint != nil, Comment(rawValue: TestServices.missingAWS)))
struct SQSEventConsumerTests {
    @Test("a JSON whose MP3 arrives later is ingested once it does; a duplicate event makes one song; the queue ends empty")
    func pendingThenIngested() async throws {
        let world = try await EventWorld()
        let late = try BundleFixture(id: "late", title: "Late Arrival")
        let twice = try BundleFixture(id: "twice", title: "Said Twice")
        try world.put(late, [.metadata])  // the original upload order: JSON first
        try world.put(twice, [.metadata, .audio])
        try await world.send(S3Events.created(["late.json"]))
        try await world.send(S3Events.created(["twice.json"]))
        try await world.send(S3Events.created(["twice.json"]))

        let replica = world.start(world.options(visibilityTimeout: 5))
        let waiting = try await eventually(within: 10) { try await world.catalog.problem("late")?.state == .pending }
        #expect(waiting, "the event for late.json was handled while its MP3 was missing")
        #expect(try await world.catalog.song(BundleID(validating: "late")) == nil)
        try world.put(late, [.audio])
        let arrived = try await eventually(within: 15) { try await world.catalog.song(BundleID(validating: "late")) != nil }
        #expect(arrived, "the kept event came back and found the MP3")
        let drained = try await eventually(within: 10) { try await world.messageCounts(world.queue) == (0, 0) }
        await replica.stop()

        let left = try await world.messageCounts(world.queue)
        #expect(drained, "every message was deleted: \(left)")
        #expect(try await world.catalog.songCount() == 2)
        #expect(try await world.catalog.problems().isEmpty)
    }

    @Test("a bundle whose MP3 never comes is let go after the patience: still pending in the catalog, not dead-lettered")
    func patience() async throws {
        let world = try await EventWorld()
        try world.put(try BundleFixture(id: "never"), [.metadata])
        try await world.send(S3Events.created(["never.json"]))
        let replica = world.start(world.options(visibilityTimeout: 5, pendingPatience: .seconds(2)))
        let dropped = try await eventually(within: 15) { try await world.messageCounts(world.queue) == (0, 0) }
        await replica.stop()
        #expect(dropped)
        #expect(try await world.catalog.problem("never")?.state == .pending)
        #expect(try await world.messageCounts(world.deadLetterQueue) == (0, 0))
    }

    @Test("the test event is deleted; a malformed body and a bad key are dead-lettered at once; a good message beside them is ingested")
    func poisonDoesNotBlock() async throws {
        let world = try await EventWorld()
        try world.put(try BundleFixture(id: "good", title: "Good One"), [.metadata, .audio])
        let malformed = #"{"Records":[{"s3":{}}]}"#
        let badKey = S3Events.created(["My+Song%21.json"])
        _ = try await world.send(#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"music"}"#)
        let malformedID = try await world.send(malformed)
        let badKeyID = try await world.send(badKey)
        _ = try await world.send(S3Events.created(["good.json", "good.mp3", "elsewhere.jpg"]))

        // Five tries allowed, but these can never succeed: they must not come back even once.
        let replica = world.start(world.options(visibilityTimeout: 30, maxReceives: 5))
        let done = try await eventually(within: 15) {
            guard try await world.catalog.song(BundleID(validating: "good")) != nil else { return false }
            return try await world.messageCounts(world.queue) == (0, 0)
        }
        await replica.stop()
        let left = try await world.messageCounts(world.queue)
        #expect(done, "the good message was ingested and every message deleted: \(left)")

        let dead = try await world.sqs.receiveMessages(queueURL: world.deadLetterQueue, waitTimeSeconds: 1)
        #expect(Set(dead.map(\.body)) == [malformed, badKey])
        let byID = Dictionary(uniqueKeysWithValues: dead.map { ($0.messageAttributes["termplayer-source-message-id"] ?? "", $0) })
        #expect(byID[malformedID]?.messageAttributes["termplayer-reason"]?.contains("a record without eventName") == true)
        #expect(byID[badKeyID]?.messageAttributes["termplayer-reason"]?.contains("My Song!.json is not a bundle object") == true)

        let problems = try await world.service.status().problems
        let malformedProblem = try #require(problems.first { $0.bundle == "sqs-message:\(malformedID)" }, "\(problems)")
        #expect(malformedProblem.state == .rejected)
        #expect(malformedProblem.reason.contains("a record without eventName") && malformedProblem.reason.contains("received 1 time"))
        #expect(problems.contains { $0.bundle == "sqs-message:\(badKeyID)" })
        #expect(problems.count == 2, "\(problems)")
    }

    @Test("a message that keeps failing is dead-lettered after maxReceives, with its reason")
    func keepsFailing() async throws {
        let world = try await EventWorld()
        try world.put(try BundleFixture(id: "broken"), [.metadata, .audio])
        let messageID = try await world.send(S3Events.created(["broken.json"]))
        let outage = EventsOnlyBucket(world.bucket, failing: { $0.rawValue == "broken" })
        let replica = world.start(world.options(visibilityTimeout: 1, maxReceives: 3), bucket: outage)
        let deadLettered = try await eventually(within: 20) { try await world.messageCounts(world.deadLetterQueue).visible == 1 }
        let drained = try await eventually(within: 5) { try await world.messageCounts(world.queue) == (0, 0) }
        await replica.stop()
        #expect(deadLettered && drained)

        let dead = try #require(try await world.sqs.receiveMessages(queueURL: world.deadLetterQueue, waitTimeSeconds: 1).first)
        let reason = dead.messageAttributes["termplayer-reason"] ?? ""
        #expect(dead.messageAttributes["termplayer-source-message-id"] == messageID)
        #expect(reason.contains("3 receives") && reason.contains("the test bucket is down"), "\(reason)")
        let problem = try #require(try await world.catalog.problem("sqs-message:\(messageID)"))
        #expect(problem.state == .rejected && problem.reason == reason)
        #expect(outage.failures >= 3)
    }

    @Test("a replica stopped mid-batch deletes nothing: another consumer gets the messages after the visibility timeout")
    func killedReplica() async throws {
        let world = try await EventWorld()
        let ids = ["kept-1", "kept-2", "kept-3"]
        for id in ids {
            try world.put(try BundleFixture(id: id), [.metadata, .audio])
            try await world.send(S3Events.created(["\(id).json"]))
        }
        let options = world.options(visibilityTimeout: 2)
        // Replica A's storage hangs, so its ingests are in flight when it is stopped.
        let hanging = EventsOnlyBucket(world.bucket, stall: .seconds(600))
        let first = world.start(options, bucket: hanging)
        let inFlight = try await eventually(within: 10) { hanging.stalls == ids.count }
        #expect(inFlight, "replica A took all three messages")
        let clock = ContinuousClock()
        let stopping = clock.now
        await first.stop()
        #expect(clock.now - stopping < .seconds(5), "a stopped replica does not wait for its hanging ingests")
        #expect(try await world.catalog.songCount() == 0)

        let second = world.start(options)
        let ingested = try await eventually(within: 15) { try await world.catalog.songCount() == ids.count }
        let drained = try await eventually(within: 10) { try await world.messageCounts(world.queue) == (0, 0) }
        await second.stop()
        #expect(ingested && drained, "replica B ingested the messages A left behind")
        #expect(try await world.messageCounts(world.deadLetterQueue) == (0, 0))
    }

    @Test("a message in hand stays hidden past its visibility timeout while its ingest runs, and is free again soon after its replica stops")
    func heldWhileWorked() async throws {
        let world = try await EventWorld()
        try world.put(try BundleFixture(id: "slow-1"), [.metadata, .audio])
        try await world.send(S3Events.created(["slow-1.json"]))
        let options = world.options(visibilityTimeout: 2)
        let hanging = EventsOnlyBucket(world.bucket, stall: .seconds(600))
        let first = world.start(options, bucket: hanging)
        #expect(try await eventually(within: 10) { hanging.stalls == 1 })
        // Three timeouts on, the message is still hidden: nobody else has been handed it. Before, it came back
        // after 2 s, to be ingested a second time beside the first.
        try await Task.sleep(for: .seconds(6))
        #expect(try await world.messageCounts(world.queue) == (0, 1))
        #expect(hanging.stalls == 1, "no second delivery to this replica either")
        await first.stop()
        let second = world.start(options)
        #expect(try await eventually(within: 10) { try await world.catalog.songCount() == 1 }, "another replica had it within seconds")
        await second.stop()
    }

    @Test("on graceful shutdown the consumer stops receiving at once, even mid long poll, and finishes the message in hand")
    func gracefulShutdown() async throws {
        let world = try await EventWorld()
        try world.put(try BundleFixture(id: "in-hand"), [.metadata, .audio])
        try await world.send(S3Events.created(["in-hand.json"]))
        let slow = EventsOnlyBucket(world.bucket, stall: .seconds(1.5))
        let library = world.library(bucket: slow)
        var options = world.options(visibilityTimeout: 30)
        options.waitTime = .seconds(20)
        let consumer = SQSEventConsumer(library: library, options: options, sqs: world.sqs, logger: world.logger)
        // As `serve` lists them: the consumer after the library, so it is stopped first.
        let group = ServiceGroup(configuration: .init(services: [library, consumer], logger: world.logger))
        let running = Task { try await group.run() }
        let inHand = try await eventually(within: 10) { slow.stalls == 1 }
        #expect(inHand)
        let clock = ContinuousClock()
        let stopping = clock.now
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(clock.now - stopping < .seconds(15), "the other receive loop's 20-s long poll was cut short")
        #expect(try await world.catalog.song(BundleID(validating: "in-hand")) != nil)
        #expect(try await world.messageCounts(world.queue) == (0, 0), "the finished message was deleted before stopping")
    }

    @Test("while the queue cannot be reached the consumer backs off, and it picks up again when the queue is back")
    func recovers() async throws {
        let world = try await EventWorld()
        let motoPort = try #require(TestServices.awsEndpoint.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } })
        var proxy = try ThrottleProxy(target: motoPort, bytesPerSecond: 0)
        let port = proxy.port
        let environment = TestServices.awsEnvironment(endpoint: "http://127.0.0.1:\(port)")
        let throughProxy = SQSClient(configuration: try AWSConfiguration(environment: environment, service: "sqs"))
        let replica = world.start(world.options(visibilityTimeout: 5), sqs: throughProxy)

        try world.put(try BundleFixture(id: "first"), [.metadata, .audio])
        try await world.send(S3Events.created(["first.json"]))
        #expect(try await eventually(within: 10) { try await world.catalog.songCount() == 1 })

        proxy.kill()  // the queue is gone: receives are refused
        try await Task.sleep(for: .seconds(2))
        try world.put(try BundleFixture(id: "second"), [.metadata, .audio])
        try await world.send(S3Events.created(["second.json"]))
        try await Task.sleep(for: .seconds(1))
        #expect(try await world.catalog.songCount() == 1)
        proxy = try ThrottleProxy(port: port, target: motoPort, bytesPerSecond: 0)
        let recovered = try await eventually(within: 15) { try await world.catalog.songCount() == 2 }
        await replica.stop()
        proxy.kill()
        #expect(recovered, "the consumer came back to the queue")
    }
}

/// Settings `serve --events` cannot work with are refused when the consumer is made, not at each receive.
@Suite("SQS event settings")
struct SQSEventOptionsTests {
    @Test("SQS event settings that cannot work are refused at start-up")
    func refused() async throws {
        let folder = FilePath(try Fixtures.temporaryDirectory("sqs-settings").path)
        let library = LibraryService(
            bucket: try LocalBucket(root: folder.appending("bucket"), staging: folder.appending("staging"), watchMode: .polling(interval: .seconds(3600))),
            catalog: SQLCatalog(engine: try SQLiteEngine(path: folder.appending("catalog.sqlite"))), stagingDirectory: folder.appending("staging"),
            logger: Logger(label: "test"))
        let environment = TestServices.awsEnvironment(endpoint: "http://127.0.0.1:1")
        func refusal(_ options: SQSEventOptions, _ environment: [String: String]) -> String? {
            do {
                _ = try SQSEventConsumer(library: library, options: options, environment: environment, logger: Logger(label: "test"))
                return nil
            } catch {
                guard case .configuration(let problem) = error else { return "not a configuration error: \(error)" }
                return problem
            }
        }
        let good = "https://sqs.us-east-1.amazonaws.com/123456789012/events"
        #expect(refusal(SQSEventOptions(queueURL: good, deadLetterQueueURL: good + "-dead"), environment) == nil)
        #expect(refusal(SQSEventOptions(queueURL: "events"), environment)?.contains("--events: not an http(s) SQS queue URL") == true)
        #expect(refusal(SQSEventOptions(queueURL: good, deadLetterQueueURL: "sqs://dead"), environment)?.contains("--dead-letter-queue") == true)
        #expect(refusal(SQSEventOptions(queueURL: good), [:])?.contains("no AWS credentials") == true)
    }
}

// MARK: Test set-up

/// A local bucket and SQLite catalog in a temporary folder, and a fresh source and dead-letter queue on moto.
struct EventWorld {
    let folder: URL
    let bucket: LocalBucket
    let catalog: SQLCatalog
    let sqs: SQSClient
    let queue: String
    let deadLetterQueue: String
    let logger: Logger
    /// The library the checks read through (replicas run their own over the same bucket and catalog).
    let service: LibraryService

    init() async throws {
        folder = try Fixtures.temporaryDirectory("sqs-events")
        let root = FilePath(folder.path)
        bucket = try LocalBucket(root: root.appending("bucket"), staging: root.appending("staging"), watchMode: .polling(interval: .seconds(3600)))
        catalog = SQLCatalog(engine: try SQLiteEngine(path: root.appending("catalog.sqlite")))
        try await catalog.migrate()
        let endpoint = try #require(TestServices.awsEndpoint)
        sqs = SQSClient(configuration: try AWSConfiguration(environment: TestServices.awsEnvironment(endpoint: endpoint), service: "sqs"))
        queue = try await sqs.createQueue(named: TestServices.uniqueName("events"))
        deadLetterQueue = try await sqs.createQueue(named: TestServices.uniqueName("events-dead"))
        var logger = Logger(label: "sqs-events-test")
        logger.logLevel = .critical
        self.logger = logger
        service = LibraryService(
            bucket: EventsOnlyBucket(bucket), catalog: catalog, stagingDirectory: root.appending("staging"), logger: logger)
    }

    func options(
        visibilityTimeout: Int, maxReceives: Int = 5, pendingPatience: Duration = .seconds(900)
    ) -> SQSEventOptions {
        SQSEventOptions(
            queueURL: queue, deadLetterQueueURL: deadLetterQueue, maxReceives: maxReceives,
            visibilityTimeout: .seconds(visibilityTimeout), waitTime: .seconds(1), pollers: 2, pendingPatience: pendingPatience)
    }

    /// Writes parts of a bundle straight into the bucket folder, as a copy that no API call saw.
    func put(_ bundle: BundleFixture, _ parts: [BundlePart]) throws {
        for part in parts {
            try bundle.bytes(part).write(to: folder.appendingPathComponent("bucket/\(bundle.id).\(part.fileExtension)"))
        }
    }

    @discardableResult
    func send(_ body: String) async throws -> String {
        try await sqs.sendMessage(queueURL: queue, body: body)
    }

    /// Messages waiting, and messages received but neither deleted nor visible again yet.
    func messageCounts(_ queue: String) async throws -> (visible: Int, hidden: Int) {
        let attributes = try await sqs.queueAttributes(
            queueURL: queue, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        return (
            Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? -1, Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? -1
        )
    }

    /// A library service over `bucket` (events only, unless given) and the shared catalog.
    func library(bucket store: (any BucketStore)? = nil) -> LibraryService {
        LibraryService(
            bucket: store ?? EventsOnlyBucket(bucket), catalog: catalog, stagingDirectory: FilePath(folder.path).appending("staging"),
            logger: logger)
    }

    /// A library service and its consumer over `bucket` (events only, unless given), running until stopped.
    func start(_ options: SQSEventOptions, bucket store: (any BucketStore)? = nil, sqs client: SQSClient? = nil) -> ConsumerReplica {
        let library = library(bucket: store)
        let consumer = SQSEventConsumer(library: library, options: options, sqs: client ?? sqs, logger: logger)
        return ConsumerReplica(
            task: Task {
                await withDiscardingTaskGroup { group in
                    group.addTask { try? await library.run() }
                    group.addTask { try? await consumer.run() }
                }
            })
    }
}

/// A running library service and consumer; `stop` is the replica dying (cancellation, no graceful shutdown).
struct ConsumerReplica {
    let task: Task<Void, Never>

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// The local bucket with its listing and change feed hidden, so neither the start-up scan nor the folder
/// watcher ingests anything: only events do. Bundles `failing` names fail like a storage outage; with a
/// `stall`, looking a bundle up first waits that long (a cancelled wait fails like a storage outage).
final class EventsOnlyBucket: BucketStore {
    let base: LocalBucket
    let failing: @Sendable (BundleID) -> Bool
    let stall: Duration?
    private let counters = Mutex((failures: 0, stalls: 0))

    init(_ base: LocalBucket, failing: @escaping @Sendable (BundleID) -> Bool = { _ in false }, stall: Duration? = nil) {
        self.base = base
        self.failing = failing
        self.stall = stall
    }

    var failures: Int { counters.withLock { $0.failures } }
    var stalls: Int { counters.withLock { $0.stalls } }
    var description: String { "events-only \(base.description)" }

    private func check(_ id: BundleID) throws(BucketError) {
        if failing(id) {
            counters.withLock { $0.failures += 1 }
            throw .storage(operation: "GET", key: id.rawValue, underlying: "the test bucket is down")
        }
    }

    func info(_ key: ObjectKey) async throws(BucketError) -> ObjectInfo? {
        try check(key.bundle)
        return try await base.info(key)
    }

    func objects(of bundle: BundleID) async throws(BucketError) -> [BundlePart: ObjectInfo] {
        if let stall {
            counters.withLock { $0.stalls += 1 }
            do {
                try await Task.sleep(for: stall)
            } catch {
                throw .storage(operation: "LIST", key: bundle.rawValue, underlying: "the test bucket hung")
            }
        }
        try check(bundle)
        return try await base.objects(of: bundle)
    }

    func list(_ visit: (BucketListingPage) async throws -> Void) async throws(BucketError) {}

    func contents(of key: ObjectKey, limit: Int) async throws(BucketError) -> [UInt8] {
        try check(key.bundle)
        return try await base.contents(of: key, limit: limit)
    }

    func read(_ key: ObjectKey, range: ClosedRange<Int>?, into write: (ByteBuffer) async throws -> Void) async throws(BucketError) {
        try check(key.bundle)
        try await base.read(key, range: range, into: write)
    }

    func withLocalFile<Result: Sendable>(_ key: ObjectKey, _ body: @escaping @Sendable (FilePath) -> Result) async throws(BucketError) -> Result {
        try check(key.bundle)
        return try await base.withLocalFile(key, body)
    }

    func store(_ key: ObjectKey, fromStagedFile staged: FilePath) async throws(BucketError) -> ObjectInfo {
        try await base.store(key, fromStagedFile: staged)
    }

    func delete(_ key: ObjectKey) async throws(BucketError) {
        try await base.delete(key)
    }

    func directURL(forKeyNamed name: String, expires: Int?) -> String? { nil }

    func externalChanges() -> AsyncStream<BucketChange>? { nil }
}

/// `TestSupport.eventually` at 10 polls a second: most conditions ask moto, which serves every suite.
private func eventually(within seconds: Int, _ condition: () async throws -> Bool) async throws -> Bool {
    try await TestSupport.eventually(within: .seconds(seconds), polling: .milliseconds(100), condition)
}
