import ArgumentParser
import Catalog
import Foundation
import LibraryServer
import Logging
import OSThreads
import SystemPackage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the library service: bucket, ingest, catalog and REST API.",
        discussion: """
            With --library DIR the catalog is DIR/catalog.sqlite and the bucket DIR/bucket/ (default: \
            $XDG_DATA_HOME/termplayer, else ~/.local/share/termplayer). Bundles copied into the bucket folder \
            by hand are ingested within a couple of seconds.

            Reads are open to anyone who can reach the port; writes need the bearer token. Without --token or \
            TERMPLAYER_TOKEN, a token is created on first start in DIR/token (mode 0600), where `termplayer \
            upload` on this machine finds it.

            Scaled out, --storage s3://BUCKET[/prefix] keeps the bundles in S3 or an S3-compatible store \
            (credentials, region and endpoint from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, \
            AWS_REGION and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL). Replicas sharing a bucket must share the \
            token too, so it must then be given. --database postgres://USER:PASS@HOST:PORT/DB keeps the catalog \
            in PostgreSQL. --events QUEUE_URL ingests what the bucket's S3 event notifications (through SQS) \
            name: messages are deleted once their catalog write has committed, and one that keeps failing is \
            dead-lettered with its reason. Any number of replicas may share bucket, database and queue.
            """
    )

    @Option(help: ArgumentHelp("The library folder.", valueName: "dir"))
    var library: String?

    @Option(help: ArgumentHelp("Where bundles are kept: the library folder (default) or s3://BUCKET[/prefix].", valueName: "url"))
    var storage: String?

    @Option(help: ArgumentHelp("Where the catalog is kept: the library folder's SQLite file (default) or postgres://USER:PASS@HOST:PORT/DB (default: TERMPLAYER_DATABASE_URL).", valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp("An SQS queue receiving the bucket's S3 ObjectCreated notifications for .json objects: ingest follows it.", valueName: "queue-url"))
    var events: String?

    @Option(name: .customLong("dead-letter-queue"), help: ArgumentHelp("An SQS queue for event messages that cannot be ingested (with the reason); without one they are only recorded in status.", valueName: "queue-url"))
    var deadLetterQueue: String?

    @Option(name: .customLong("max-receives"), help: ArgumentHelp("Deliveries of a message that keeps failing before it is dead-lettered.", valueName: "n"))
    var maxReceives = 5

    @Flag(help: "Walk the whole bucket at start even with --events (after adopting a bucket that already holds bundles).")
    var rescan = false

    @Option(help: ArgumentHelp("How file and image URLs reach the bytes: proxy (through /media/), presigned or public (S3 URLs).", valueName: "mode"))
    var media = "proxy"

    @Option(name: .customLong("presign-expiry"), help: ArgumentHelp("How long presigned URLs stay valid, in seconds (at most 7 days).", valueName: "seconds"))
    var presignExpiry = 21_600

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "port"))
    var port = 8080

    @Flag(help: "Load the demo bundles into an empty library.")
    var demo = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM); needs --tls-key.", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key (PEM) of --tls-cert's certificate.", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp("The URL clients reach this service at, when behind a proxy (used in file and image URLs).", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("The bearer token writes need (default: TERMPLAYER_TOKEN, else the library's token file).", valueName: "token"))
    var token: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning or error.", valueName: "level"))
    var logLevel = "info"

    @Option(name: .customLong("watch"), help: ArgumentHelp("How to notice files copied into the bucket: inotify or poll.", visibility: .hidden))
    var watch = "inotify"

    @Option(help: ArgumentHelp("Bundles ingested in parallel.", visibility: .hidden))
    var workers = 4

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error") }
        guard ["inotify", "poll"].contains(watch) else { throw ValidationError("--watch must be inotify or poll") }
        guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
        guard ["proxy", "presigned", "public"].contains(media) else { throw ValidationError("--media must be proxy, presigned or public") }
        guard (1...604_800).contains(presignExpiry) else { throw ValidationError("--presign-expiry must be between 1 and 604800 seconds (7 days, S3's limit)") }
        if events == nil, deadLetterQueue != nil { throw ValidationError("--dead-letter-queue goes with --events") }
        guard maxReceives >= 1 else { throw ValidationError("--max-receives must be at least 1") }
        if let events, !(events.hasPrefix("https://") || events.hasPrefix("http://")) {
            throw ValidationError("--events takes the queue's URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), not \(events)")
        }
        if media != "proxy", storage == nil { throw ValidationError("--media \(media) needs --storage s3://…: a library folder has no URLs of its own") }
        if let databaseURL, !(databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://")) {
            throw ValidationError("--database takes postgres://USER:PASS@HOST:PORT/DB (the SQLite catalog is the default)")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if storage != nil, resolvedToken == nil {
            throw ValidationError("replicas sharing a bucket must share the token too: pass --token or set TERMPLAYER_TOKEN")
        }
    }

    /// The flag, else `TERMPLAYER_DATABASE_URL`, which keeps the password off the command line.
    private var databaseURL: String? {
        database ?? ProcessInfo.processInfo.environment["TERMPLAYER_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var resolvedToken: String? {
        token ?? ProcessInfo.processInfo.environment["TERMPLAYER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var mediaURLs: MediaURLMode {
        switch media {
        case "presigned": .presigned(expiry: presignExpiry)
        case "public": .publicObjects
        default: .proxy
        }
    }

    func run() async throws {
        // Big responses' buffers get mappings of their own, given back when freed, so memory after a burst
        // of listings is what the service keeps, not the burst's peak.
        SystemMemory.mapLargeAllocations()
        SystemMemory.limitArenas(to: 2)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "termplayer")
        let folder = LocalLibrary(root: library.map { FilePath($0) } ?? LocalLibrary.defaultRoot())
        var options = ServeOptions(
            library: folder,
            host: host,
            port: port,
            publicBaseURL: publicURL,
            token: resolvedToken,
            watchMode: watch == "poll" ? .polling(interval: .seconds(1)) : .automatic,
            ingestWorkers: workers
        )
        if let storage { options.storage = try StorageLocation(parsing: storage) }
        if let databaseURL { options.catalog = .postgres(url: databaseURL) }
        options.mediaURLs = mediaURLs
        if let events {
            options.events = SQSEventOptions(queueURL: events, deadLetterQueueURL: deadLetterQueue, maxReceives: maxReceives)
            options.scanAtStart = rescan
        }
        if demo { options.demoFolder = try DemoLibraryLocator.find() }
        if let tlsCertificate, let tlsKey { options.tls = TLSFiles(certificateChain: FilePath(tlsCertificate), privateKey: FilePath(tlsKey)) }
        let (host, scheme) = (self.host, options.scheme)
        let prepared = try await LibraryServer.prepare(options, logger: logger) { boundPort in
            // Printed (unbuffered) once the port is bound, so scripts can wait for it.
            FileHandle.standardOutput.write(Data("TermPlayer library service listening on \(scheme)://\(host):\(boundPort)\n".utf8))
        }
        logger.info("library \(folder.root): \(prepared.library.bucket.description), \(prepared.library.catalog.description)")
        if let tokenFile = prepared.createdTokenFile {
            logger.notice("created the upload token in \(tokenFile) (mode 0600); uploads on this machine use it")
        }
        try await prepared.run()
    }
}

/// Finds the demo bundles: next to an installed binary, or in the source checkout it was built from.
enum DemoLibraryLocator {
    static func find(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FilePath {
        var candidates: [FilePath] = []
        if let explicit = environment["TERMPLAYER_DEMO_DIR"] { candidates.append(FilePath(explicit)) }
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(FilePath(executable).removingLastComponent().appending("../share/termplayer/demo"))
        }
        // This file is <checkout>/Sources/TermPlayer/Commands/ServeCommand.swift.
        var checkout = FilePath(#filePath)
        for _ in 0..<4 { checkout.removeLastComponent() }
        candidates.append(checkout.appending("demo"))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appending("README.md").string) {
            return candidate
        }
        throw CommandFailure(message: "the demo library was not found; looked in \(candidates.map(\.string).joined(separator: ", ")). Set TERMPLAYER_DEMO_DIR to its folder.")
    }
}
