import AWSClients
public import Catalog
import CatalogPostgres
import CatalogSQLite
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LibraryModel
public import Logging
import NIOCore
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// Where the bundles are kept.
public enum StorageLocation: Sendable, Hashable {
    /// The library folder's `bucket/`.
    case libraryFolder
    /// An S3 bucket, with the bundles under `prefix` ("" for the whole bucket).
    case s3(bucket: String, prefix: String)

    /// "s3://BUCKET" or "s3://BUCKET/some/prefix".
    public init(parsing text: String) throws(ServerSetupError) {
        guard text.hasPrefix("s3://") else { throw .configuration("--storage takes s3://BUCKET[/prefix], not \(text)") }
        let rest = text.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { throw .configuration("--storage s3:// needs a bucket name: s3://BUCKET[/prefix]") }
        var prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        self = .s3(bucket: String(bucket), prefix: prefix)
    }
}

/// Where the catalog is kept.
public enum CatalogLocation: Sendable, Hashable {
    /// The library folder's `catalog.sqlite`.
    case libraryFolder
    /// A PostgreSQL database, by its libpq URL: `postgres://USER:PASS@HOST:PORT/DB`.
    case postgres(url: String)
}

/// How songs' `file` and `image` URLs reach the bytes.
public enum MediaURLMode: Sendable, Hashable {
    /// Through this service's `/media/<key>`, Range requests passed on: works for private buckets.
    case proxy
    /// Presigned S3 GET URLs, valid for `expiry` seconds from the listing.
    case presigned(expiry: Int)
    /// The objects' plain S3 URLs, for a bucket whose objects anyone may read.
    case publicObjects
}

/// How `termplayer serve` (or the TUI's embedded service) is set up.
public struct ServeOptions: Sendable {
    public var library: LocalLibrary
    public var storage: StorageLocation = .libraryFolder
    public var catalog: CatalogLocation = .libraryFolder
    /// An SQS queue of the bucket's S3 event notifications to ingest from, with how to follow it.
    public var events: SQSEventOptions?
    public var mediaURLs: MediaURLMode = .proxy
    /// Read for AWS credentials, region and endpoint (`AWS_*`); tests pass their own.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    public var host: String
    /// 0 picks a free port; `onRunning` reports which.
    public var port: Int
    public var publicBaseURL: String?
    /// The bearer token writes need; nil uses (or creates) the library's token file.
    public var token: String?
    /// The key listeners' passwords are sealed with (64 hex digits); nil reads `TERMPLAYER_PASSWORD_KEY`,
    /// else uses (or creates) the library's `password.key`. Replicas sharing a catalog must share it.
    public var passwordKey: String?
    public var watchMode: LocalBucket.WatchMode
    public var ingestWorkers: Int
    /// Walk the whole bucket at start, to catch up with what changed while no service ran. Off when an event
    /// queue is the source of changes: its messages wait while no replica runs, and a fleet of replicas each
    /// listing the whole bucket at every start would be wasted work.
    public var scanAtStart = true
    /// Songs per catalog read while streaming `/songs`; tests make it small to cross page boundaries.
    public var listingPageSize = 1000
    /// How often recommendations look for new listening, and how soon they may rebuild again.
    public var recommendationTiming = Recommendations.Timing()
    /// Demo bundles to load into an empty library once the server listens and before it answers anyone,
    /// through the ingest queue like every other bundle.
    public var demoFolder: FilePath?
    /// Serve HTTPS with this certificate chain and key (PEM files) instead of plain HTTP.
    public var tls: TLSFiles?

    /// The scheme clients reach the service by, as links and the listening line name it.
    public var scheme: String { tls == nil ? "http" : "https" }

    public init(
        library: LocalLibrary,
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicBaseURL: String? = nil,
        token: String? = nil,
        watchMode: LocalBucket.WatchMode = .automatic,
        ingestWorkers: Int = 4
    ) {
        self.library = library
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.token = token
        self.watchMode = watchMode
        self.ingestWorkers = ingestWorkers
    }
}

/// A service ready to run: the HTTP application (which also runs the library's ingest as a service).
public struct PreparedServer: Sendable {
    public let application: Application<RouterResponder<LibraryRequestContext>>
    public let library: LibraryService
    public let token: String
    /// Set when the token was generated now, so the caller can tell the user where it is.
    public let createdTokenFile: FilePath?
    /// The catalog's identity, as every answer names it in `X-Catalog-Id`.
    public let catalogIdentity: String
    let address: String

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully (in-flight requests and ingests finish);
    /// without `handlingSignals`, until the calling task is cancelled, leaving signals to the program the
    /// service is embedded in.
    public func run(handlingSignals: Bool = true) async throws {
        do {
            if handlingSignals { try await application.runService() } else { try await application.run() }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServerSetupError.addressInUse(address)
        }
    }
}

extension LibraryServer {
    /// Serves in a task of its own and returns once the server listens. A server that ends before it
    /// listens (its port taken, say) throws why, rather than leaving the caller waiting for a port.
    public static func startInBackground(_ options: ServeOptions, logger: Logger) async throws(ServerSetupError) -> BackgroundServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let prepared = try await LibraryServer.prepare(options, logger: logger) { port in continuation.yield(port) }
        let task = Task {
            defer { continuation.finish() }
            try await prepared.run(handlingSignals: false)
        }
        var iterator = ports.makeAsyncIterator()
        if let port = await iterator.next() {
            return BackgroundServer(prepared: prepared, port: port, task: task)
        }
        task.cancel()
        switch await task.result {
        case .failure(let error as ServerSetupError): throw error
        case .failure(let error): throw .stoppedBeforeListening("\(error)")
        case .success: throw .stoppedBeforeListening("it was stopped")
        }
    }
}

/// A service serving inside a process that has its own use for signals (the UI's embedded library).
public struct BackgroundServer: Sendable {
    public let prepared: PreparedServer
    public let port: Int
    fileprivate let task: Task<Void, any Error>

    public func stop() { task.cancel() }
}

/// Why the service could not start.
public enum ServerSetupError: Error, CustomStringConvertible {
    case library(FilePath, SystemCallError)
    case bucket(BucketError)
    case catalog(CatalogError)
    case demo(FilePath, String)
    case addressInUse(String)
    /// The server ended before it listened, for this reason.
    case stoppedBeforeListening(String)
    /// The options do not fit together, or one cannot be used as given.
    case configuration(String)

    public var description: String {
        switch self {
        case .library(let path, let error): "cannot use the library folder \(path): \(error)"
        case .bucket(let error): "cannot open the bucket: \(error)"
        case .catalog(let error): "cannot open the catalog: \(error)"
        case .demo(let path, let reason): "cannot load the demo library from \(path): \(reason)"
        case .addressInUse(let address):
            "\(address) is already in use — is another `termplayer serve` running? Pick another port with --port."
        case .configuration(let problem): problem
        case .stoppedBeforeListening(let reason): "the library service stopped before it listened: \(reason)"
        }
    }
}

public enum LibraryServer {
    /// Opens the stores, migrates the catalog, resolves the token and builds the application.
    public static func prepare(
        _ options: ServeOptions,
        logger: Logger,
        onRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) async throws(ServerSetupError) -> PreparedServer {
        let library = options.library
        let token: String
        var createdTokenFile: FilePath?
        let passwordKey: String
        do {
            try LocalFiles.makeDirectory(library.root)
            if let given = options.token {
                token = given
            } else {
                let (stored, created) = try library.token()
                token = stored
                if created { createdTokenFile = library.tokenFile }
            }
            if let given = options.passwordKey ?? options.environment["TERMPLAYER_PASSWORD_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) {
                passwordKey = given
            } else {
                passwordKey = try library.passwordKey()
            }
        } catch {
            throw .library(library.root, error)
        }
        let sealer = try PasswordSealer(hexKey: passwordKey)

        let bucket = try openBucket(options)
        let catalog: any CatalogStore
        do {
            switch options.catalog {
            case .libraryFolder: catalog = SQLCatalog(engine: try SQLiteEngine(path: library.catalog))
            case .postgres(let url): catalog = SQLCatalog(engine: try PostgresEngine(url: url, logger: logger))
            }
        } catch {
            throw .catalog(error)
        }
        let catalogIdentity: String
        do {
            try await catalog.migrate()
            catalogIdentity = try await catalog.identity()
        } catch {
            catalog.close()
            throw .catalog(error)
        }

        let service = LibraryService(
            bucket: bucket, catalog: catalog, stagingDirectory: library.staging, logger: logger,
            workers: options.ingestWorkers, scanAtStart: options.scanAtStart, recommendationTiming: options.recommendationTiming)
        var services: [any Service] = [service]
        if let events = options.events {
            do throws(AWSError) {
                // After the library service, so it stops first and its last ingests still find the queue running.
                services.append(try SQSEventConsumer(library: service, options: events, environment: options.environment, logger: logger))
            } catch {
                throw .configuration("cannot follow \(events.queueURL): \(error)")
            }
        }
        let accounts = Accounts(catalog: catalog, serviceToken: token, sealer: sealer, isLoopbackOnly: Self.isLoopback(options.host))
        let routes = LibraryRoutes(
            library: service, accounts: accounts, links: try mediaLinks(options, bucket: bucket, scheme: options.scheme),
            fallbackHost: "\(options.host):\(options.port)", catalogIdentity: catalogIdentity, listingPageSize: options.listingPageSize)
        let server: HTTPServerBuilder = if let tls = options.tls { try tls.serverBuilder() } else { .http1() }
        let application = Application(
            router: routes.makeRouter(),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "termplayer"),
            services: services,
            onServerRunning: { channel in
                if let demo = options.demoFolder { await service.loadDemoAtStart(from: demo) }
                await onRunning(channel.localAddress?.port ?? options.port)
            },
            logger: logger
        )
        return PreparedServer(
            application: application, library: service, token: token, createdTokenFile: createdTokenFile, catalogIdentity: catalogIdentity,
            address: "\(options.host):\(options.port)")
    }

    /// Whether `host` only answers this machine: then an anonymous request is the machine's owner.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func openBucket(_ options: ServeOptions) throws(ServerSetupError) -> any BucketStore {
        do throws(BucketError) {
            switch options.storage {
            case .libraryFolder:
                return try LocalBucket(root: options.library.bucket, staging: options.library.staging, watchMode: options.watchMode)
            case .s3(let name, let prefix):
                let client: S3Client
                do throws(AWSError) {
                    client = try S3Client(bucket: name, configuration: AWSConfiguration(environment: options.environment, service: "s3"))
                } catch {
                    throw .s3(error)
                }
                return try S3Bucket(client: client, prefix: prefix, staging: options.library.staging)
            }
        } catch {
            throw .bucket(error)
        }
    }

    private static func mediaLinks(_ options: ServeOptions, bucket: any BucketStore, scheme: String) throws(ServerSetupError) -> MediaLinks {
        let expiry: Int?
        switch options.mediaURLs {
        case .proxy: return MediaLinks(publicBaseURL: options.publicBaseURL, scheme: scheme)
        case .presigned(let seconds): expiry = seconds
        case .publicObjects: expiry = nil
        }
        guard bucket.directURL(forKeyNamed: "probe.mp3", expires: expiry) != nil else {
            throw .configuration("\(bucket.description) has no URLs of its own; presigned and public media URLs need --storage s3://…")
        }
        return MediaLinks(publicBaseURL: options.publicBaseURL, scheme: scheme) { keyName in
            bucket.directURL(forKeyNamed: keyName, expires: expiry) ?? keyName
        }
    }
}

extension LibraryService {
    /// Copies the demo bundles into an empty library and ingests them through the ingest queue, so the
    /// folder's watcher, which sees the same files land, never reconciles a bundle beside it. Returns how
    /// many songs were added (0 when the library already had songs). The queue's workers must be running
    /// (or start later): the serve command calls this once the server listens, before it accepts.
    public func loadDemo(from folder: FilePath) async throws(ServerSetupError) -> Int {
        do {
            guard try await catalog.songCount() == 0 else { return 0 }
        } catch {
            throw .catalog(error)
        }
        let names: [String]
        do {
            let reader = try DirectoryReader(folder)
            defer { reader.close() }
            names = Array(sequence(state: reader) { $0.next() })
        } catch {
            throw .demo(folder, "\(error)")
        }
        let keys = names.compactMap { try? ObjectKey(validating: $0) }.sorted { ($0.bundle, $0.part.uploadOrder) < ($1.bundle, $1.part.uploadOrder) }
        guard keys.contains(where: { $0.part == .audio }) else { throw .demo(folder, "it holds no bundles") }
        var added = 0
        for key in keys {
            let staged = stager.directory.appending("demo-\(key.name)")
            do {
                let bytes = try LocalFiles.readWholeFile(folder.appending(key.name), limit: 64 << 20)
                try LocalFiles.writeAtomically(bytes, to: staged)
                _ = try await bucket.store(key, fromStagedFile: staged)
            } catch {
                throw .demo(folder, "\(key): \(error)")
            }
            if key.part == .audio, await queue.ingest(key.bundle).state == .ingested { added += 1 }
        }
        return added
    }

    /// `loadDemo` for `serve --demo`: the server is up, so a failure is logged and the service goes on.
    func loadDemoAtStart(from folder: FilePath) async {
        do {
            let added = try await loadDemo(from: folder)
            if added > 0 { logger.info("loaded \(added) demo songs from \(folder)") }
        } catch {
            logger.error("\(error)")
        }
    }
}
