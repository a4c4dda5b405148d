public import AWSClients
import Catalog
import Foundation
import LibraryModel
public import Logging
public import ServiceLifecycle
import WireFormats

/// How the service follows an SQS queue of S3 event notifications (`termplayer serve --events URL`).
public struct SQSEventOptions: Sendable {
    public var queueURL: String
    /// Where messages that cannot be handled go, with the reason as the `termplayer-reason` attribute;
    /// without one they are only recorded in the catalog (and so in `GET /status`).
    public var deadLetterQueueURL: String?
    /// Receives of a message that keeps failing (storage or catalog trouble) before it is dead-lettered.
    public var maxReceives: Int
    /// How long a received message stays hidden from other receivers, so a failed one reappears after it.
    /// Kept short, and extended every half of it while the message's bundles are worked on: a replica
    /// that dies holding messages lets them go within this time, however long ingests take. SQS counts
    /// whole seconds (rounded up here).
    public var visibilityTimeout: Duration
    /// How long a receive waits for a message to arrive (long polling; SQS allows 0…20 s).
    public var waitTime: Duration
    /// Receive loops running at once, each handling up to 10 messages at a time.
    public var pollers: Int
    /// How long an event for a bundle still waiting for its MP3 is kept, counted from when it was sent.
    /// After that it is let go; the catalog keeps the bundle as pending, and a later event starts over.
    public var pendingPatience: Duration

    public init(
        queueURL: String, deadLetterQueueURL: String? = nil, maxReceives: Int = 5, visibilityTimeout: Duration = .seconds(10),
        waitTime: Duration = .seconds(20), pollers: Int = 4, pendingPatience: Duration = .seconds(15 * 60)
    ) {
        self.queueURL = queueURL
        self.deadLetterQueueURL = deadLetterQueueURL
        self.maxReceives = maxReceives
        self.visibilityTimeout = visibilityTimeout
        self.waitTime = waitTime
        self.pollers = pollers
        self.pendingPatience = pendingPatience
    }
}

/// Ingests the bundles that S3 event notifications delivered through SQS name, at least once.
///
/// A message is deleted only once every bundle it names is reconciled (the catalog write committed), so a
/// replica that dies mid-message leaves it to reappear for another; a duplicate delivery is harmless
/// because reconciliation is idempotent. A bundle still waiting for its MP3 keeps its message, coming back
/// with a growing delay, since S3 only notifies for the JSON. A message that can never succeed, or fails
/// `maxReceives` times, is recorded as a problem, copied to the dead-letter queue and deleted, so it
/// cannot hold up the rest.
///
/// As a `Service` it runs until graceful shutdown (or cancellation): it stops receiving at once, finishes
/// the messages in hand and leaves anything unfinished in the queue. List it after the `LibraryService`,
/// so it stops first and its last ingests still find the ingest queue running.
public struct SQSEventConsumer: Service {
    let library: LibraryService
    let sqs: SQSClient
    let options: SQSEventOptions
    let logger: Logger

    public init(library: LibraryService, options: SQSEventOptions, sqs: SQSClient, logger: Logger) {
        self.library = library
        self.options = options
        self.sqs = sqs
        self.logger = logger
    }

    /// A consumer signing with the credentials, region and endpoint the AWS variables in `environment`
    /// (the process's own when nil) name. Settings that cannot work are refused here, at start-up, rather
    /// than logged by every receive.
    public init(library: LibraryService, options: SQSEventOptions, environment: [String: String]? = nil, logger: Logger) throws(AWSError) {
        for (flag, url) in [("--events", options.queueURL), ("--dead-letter-queue", options.deadLetterQueueURL)] {
            if let url, Endpoint(url) == nil { throw .configuration("\(flag): not an http(s) SQS queue URL: \(url)") }
        }
        let configuration = try AWSConfiguration(environment: environment ?? ProcessInfo.processInfo.environment, service: "sqs")
        self.init(library: library, options: options, sqs: SQSClient(configuration: configuration), logger: logger)
    }

    public func run() async throws {
        let pollers = max(1, options.pollers)
        logger.info("following S3 events on \(options.queueURL) with \(pollers) receive loops")
        await withDiscardingTaskGroup { group in
            for _ in 0..<pollers {
                group.addTask { await self.poll() }
            }
        }
        logger.info("stopped following \(options.queueURL)")
    }

    // MARK: Receiving

    private static var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// One receive loop: receive, handle the batch, repeat. Trouble reaching the queue is logged and
    /// retried with a growing delay, never thrown: the queue may come back.
    private func poll() async {
        var backoff = Self.retrySchedule
        while !Self.stopping {
            let messages: [SQSMessage]
            do {
                // A long poll may take the whole wait: it is cut short on graceful shutdown. Messages SQS
                // handed to a receive that is cut short reappear after the visibility timeout.
                messages = try await cancelWhenGracefulShutdown {
                    try await self.sqs.receiveMessages(
                        queueURL: self.options.queueURL, maxMessages: 10, waitTimeSeconds: self.waitSeconds,
                        visibilityTimeoutSeconds: self.visibilitySeconds, messageAttributeNames: [])
                }
            } catch {
                if Self.stopping { break }
                let delay = backoff.next()
                logger.warning("could not receive from \(options.queueURL): \(error); trying again in \(delay)")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                continue
            }
            if backoff.failures > 0 {
                logger.notice("receiving from \(options.queueURL) again")
                backoff.reset()
            }
            if !messages.isEmpty { await handle(messages) }
        }
    }

    /// Handles a batch's messages side by side, then deletes the finished ones in one request.
    private func handle(_ messages: [SQSMessage]) async {
        var finished: [String] = []
        await withTaskGroup(of: String?.self) { group in
            for message in messages {
                group.addTask { await self.settle(message, await self.keepingHidden(message) { await self.verdict(on: message) }) }
            }
            for await receiptHandle in group {
                if let receiptHandle { finished.append(receiptHandle) }
            }
        }
        guard !finished.isEmpty else { return }
        do {
            let refused = try await sqs.deleteMessages(queueURL: options.queueURL, receiptHandles: finished)
            for failure in refused {
                // Typically a receipt that expired: the message is delivered again and found done.
                logger.warning("SQS did not delete a handled message: \(failure.code): \(failure.message)")
            }
        } catch {
            logger.warning("could not delete \(finished.count) handled messages (they will be delivered again): \(error)")
        }
    }

    /// Runs `work` while `message` is kept hidden from other receivers: its visibility is extended every
    /// half timeout until `work` returns. A failed extension (the receipt expired) is left to SQS: the
    /// message is delivered again and found done, or done again harmlessly.
    private func keepingHidden<Result: Sendable>(_ message: SQSMessage, _ work: () async -> Result) async -> Result {
        let seconds = visibilitySeconds
        guard seconds > 1 else { return await work() }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    do {
                        try await Task.sleep(for: .seconds(Double(seconds) / 2))
                    } catch {
                        return  // the work is done
                    }
                    do {
                        try await self.sqs.changeMessageVisibility(
                            queueURL: self.options.queueURL, receiptHandle: message.receiptHandle, seconds: seconds)
                    } catch {
                        self.logger.debug("could not keep message \(message.messageID) hidden: \(error)")
                        return
                    }
                }
            }
            let result = await work()
            group.cancelAll()
            return result
        }
    }

    // MARK: Deciding

    /// What became of a message's bundles.
    struct Verdict {
        /// The service is stopping (or this consumer is): the message is left for another replica.
        var stopping = false
        /// Reconciliations that failed and may succeed later (storage or catalog trouble).
        var failures: [String] = []
        /// Bundles waiting for a part that has not arrived yet.
        var waiting: [String] = []
        /// What can never succeed: a body that is not an S3 event, a key that is not a bundle object.
        var invalid: [String] = []
    }

    /// Ingests every bundle whose JSON the message names, and says how that went.
    func verdict(on message: SQSMessage) async -> Verdict {
        var verdict = Verdict()
        let objects: [S3ObjectEvent]
        do {
            objects = try S3EventNotification.objects(in: Array(message.body.utf8))
        } catch {
            verdict.invalid.append(error.description)
            return verdict
        }
        // A bundle is brought in by its JSON; events for its other parts are for other consumers.
        var bundles: [BundleID: S3ObjectEvent.Change] = [:]
        for object in objects where object.key.hasSuffix(".json") {
            switch library.bucket.objectKey(notified: object.key) {
            case .object(let key):
                if bundles[key.bundle] != .created { bundles[key.bundle] = object.change }
            case .outsidePrefix:
                logger.debug("\(object.key) is outside \(library.bucket.description): not ours")
            case .notABundleObject(let error):
                verdict.invalid.append("\(object.key) is not a bundle object: \(error)")
            }
        }
        let outcomes = await withTaskGroup(of: (BundleID, S3ObjectEvent.Change, IngestQueue.Outcome).self) { group in
            for (id, change) in bundles {
                group.addTask { (id, change, await self.library.queue.ingest(id)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for (id, change, outcome) in outcomes {
            let reason = "\(id): \(outcome.reason ?? "\(outcome.state)")"
            if outcome.interruption != nil {
                if outcome.interruption == .serviceStopping, Self.stopping { verdict.stopping = true }
                verdict.failures.append(reason)
            } else if outcome.state == .pending, change == .created {
                // The JSON came first and the MP3 is not there yet. (After a removal, pending means the
                // JSON is gone and the song with it: that removal is done.)
                verdict.waiting.append(reason)
            }
        }
        if Task.isCancelled { verdict.stopping = true }
        return verdict
    }

    /// Acts on a verdict; returns the receipt handle when the message is to be deleted.
    func settle(_ message: SQSMessage, _ verdict: Verdict) async -> String? {
        var logger = logger
        logger[metadataKey: "sqs.message"] = "\(message.messageID)"
        let receives = message.receiveCount
        if verdict.stopping {
            return nil
        }
        if !verdict.failures.isEmpty {
            let reasons = verdict.failures.joined(separator: "; ")
            guard receives >= options.maxReceives else {
                logger.warning("ingest failed on receive \(receives) of \(options.maxReceives), will try again: \(reasons)")
                return nil
            }
            return await deadLetter(message, "failed on each of \(receives) receives; last: \(reasons)", logger: logger)
        }
        if !verdict.waiting.isEmpty {
            let reasons = verdict.waiting.joined(separator: "; ")
            let waited = waitedMilliseconds(message)
            if waited >= milliseconds(options.pendingPatience) {
                logger.notice("stopped waiting after \(waited / 1000) s and \(receives) receives; the catalog keeps it pending: \(reasons)")
                guard verdict.invalid.isEmpty else { return await deadLetter(message, invalidReason(verdict, receives), logger: logger) }
                return message.receiptHandle
            }
            // Soon enough for an MP3 still uploading, sparse for one that never comes.
            let delay = wholeSeconds(Self.retrySchedule.delay(afterFailures: receives - 1))
            logger.debug("waiting \(delay) s for a missing part: \(reasons)")
            do {
                try await sqs.changeMessageVisibility(queueURL: options.queueURL, receiptHandle: message.receiptHandle, seconds: delay)
            } catch {
                logger.warning("could not bring the message back sooner (it returns after the visibility timeout): \(error)")
            }
            return nil
        }
        if !verdict.invalid.isEmpty {
            return await deadLetter(message, invalidReason(verdict, receives), logger: logger)
        }
        return message.receiptHandle
    }

    private func invalidReason(_ verdict: Verdict, _ receives: Int) -> String {
        "cannot be ingested (received \(receives) time\(receives == 1 ? "" : "s")): \(verdict.invalid.joined(separator: "; "))"
    }

    /// Records why the message is given up on, as a problem `GET /status` lists, and sends its body to
    /// the dead-letter queue. Returns the receipt handle to delete once the message is kept somewhere: in
    /// the dead-letter queue when one is configured, else in the catalog; otherwise it stays to be retried.
    private func deadLetter(_ message: SQSMessage, _ reason: String, logger: Logger) async -> String? {
        let subject = "sqs-message:\(message.messageID)"
        var recordedReason = reason
        if options.deadLetterQueueURL == nil {
            // Nowhere else keeps the body: a glimpse of it helps tell what sent it.
            let excerpt = message.body.prefix(200)
            recordedReason += "; body: \(excerpt)\(excerpt.count < message.body.count ? "…" : "")"
        }
        var recorded = false
        do {
            try await library.catalog.record(ProblemRecord(subject: subject, state: .rejected, reason: recordedReason))
            recorded = true
        } catch {
            logger.error("could not record the dead-lettered message in the catalog: \(error)")
        }
        guard let deadLetterQueueURL = options.deadLetterQueueURL else {
            if recorded { logger.error("dropped a message that \(reason)") }
            return recorded ? message.receiptHandle : nil
        }
        do {
            try await sqs.sendMessage(
                queueURL: deadLetterQueueURL, body: message.body,
                attributes: ["termplayer-reason": reason, "termplayer-source-message-id": message.messageID])
        } catch {
            logger.error("could not send to the dead-letter queue \(deadLetterQueueURL), keeping the message: \(error)")
            return nil
        }
        logger.error("dead-lettered a message that \(reason)")
        return message.receiptHandle
    }

    // MARK: Time

    private var waitSeconds: Int { min(20, max(0, wholeSeconds(options.waitTime))) }
    private var visibilitySeconds: Int { min(43_200, max(0, wholeSeconds(options.visibilityTimeout))) }

    /// Milliseconds since SQS took the message in. A server that does not say is taken to have spent the
    /// longest back-off, 30 s, per receive: waiting stays bounded either way.
    private func waitedMilliseconds(_ message: SQSMessage) -> Int64 {
        guard let sent = message.sentTimestamp else { return Int64(message.receiveCount) * 30_000 }
        return Int64(Date().timeIntervalSince1970 * 1000) - sent
    }

    private func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(clamping: seconds) + (attoseconds > 0 ? 1 : 0)
    }

    private func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension SQSEventConsumer {
    /// 1, 2, 4 … 30 s: both for an unreachable queue and for a bundle still missing its MP3.
    static let retrySchedule = Backoff(first: .seconds(1), cap: .seconds(30))

    /// 1 s, 2 s, 4 s … up to a cap: how long to wait before trying again after the n-th failure in a row.
    struct Backoff {
        let first: Duration
        let cap: Duration
        private(set) var failures = 0

        init(first: Duration, cap: Duration) {
            self.first = first
            self.cap = cap
        }

        /// The wait after `failures` failures in a row.
        func delay(afterFailures failures: Int) -> Duration {
            min(cap, first * (1 << min(max(failures, 0), 20)))
        }

        mutating func next() -> Duration {
            defer { failures += 1 }
            return delay(afterFailures: failures)
        }

        mutating func reset() { failures = 0 }
    }
}
