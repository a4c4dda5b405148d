public import Catalog
import Foundation
public import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The catalog's engine in PostgreSQL, for several service replicas sharing one database, on
/// postgres-nio's connection pool.
public final class PostgresEngine: SQLEngine {
    public let dialect: any SQLDialect = PostgresDialect()
    private let location: PostgresLocation
    private let client: PostgresClient
    /// Runs the client's connection pool from `init` until `close()` (or until the engine goes away).
    private let runTask: Task<Void, Never>
    private let logger: Logger
    private let noConnectionReason = SharedAnswer<String>()
    /// Connections made outside the pool, for the tests that count them.
    let directConnections = Atomic<Int>(0)

    /// Opens the pool's connections as it starts running (the first call, normally the migrations', is
    /// made on a connection of its own to report an unreachable server at once).
    ///
    /// - Parameters:
    ///   - url: `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, optionally with `?sslmode=` and `connect_timeout=`.
    ///   - maximumConnections: this replica's share of the server's `max_connections`.
    public init(url: String, logger: Logger, maximumConnections: Int = 10) throws(CatalogError) {
        let location = try PostgresLocation(url: url)
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = max(1, maximumConnections)
        // No pool timers: a cancelled `Task.sleep` keeps its memory until its deadline on this runtime,
        // and the pool arms a keep-alive timer (30 s) and, above the minimum, an idle timer (60 s) on
        // every release of a connection. At 1,500 queries a second that held ~250 MiB after a walk of
        // 100,000 bundles. So the replica's connections are all kept open, and none is pinged: a
        // connection the server or the network dropped fails one call, and the pool replaces it.
        configuration.options.minimumConnections = configuration.options.maximumConnections
        configuration.options.keepAliveBehavior = nil
        // The pool reports every failed connection attempt at info, ten at once when the server is
        // down, from its own threads: they buried (and interleaved with) the one error that says why.
        // Calls that fail report it themselves.
        var backgroundLogger = logger
        backgroundLogger.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
        self.location = location
        self.client = client
        self.logger = logger
        runTask = Task { await client.run() }
    }

    deinit {
        runTask.cancel()
    }

    /// Closes the pool's connections. Calls made afterwards fail as `.unavailable`.
    public func close() {
        runTask.cancel()
    }

    public var description: String { "PostgreSQL \(location)" }

    public func fetch<Value: Sendable>(
        _ statement: SQL, _ context: SQLContext, decode: @escaping @Sendable (inout any SQLRowReader) throws(CatalogError) -> Value
    ) async throws(CatalogError) -> [Value] {
        let query = Self.query(statement, dialect: dialect)
        return try await withConnection(context) { connection, logger in
            var decoded: [Value] = []
            for try await row in try await connection.query(query, logger: logger) {
                var reader: any SQLRowReader = CellReader(cells: row.makeIterator(), table: context.table)
                decoded.append(try decode(&reader))
            }
            return decoded
        }
    }

    public func transaction(_ steps: [SQLStep], lock: SQLLock?, _ context: SQLContext) async throws(CatalogError) -> [Int] {
        let dialect = self.dialect
        let queries = steps.map { (Self.query($0.statement, dialect: dialect), $0.expectedChanges, $0.failure) }
        // One statement with nothing to check afterwards is atomic on its own: no BEGIN and COMMIT, two
        // round trips fewer.
        if queries.count == 1, lock == nil, let (query, expected, _) = queries.first, expected == nil {
            return try await withConnection(context) { connection, logger in
                [try await connection.query(query, logger: logger).get().metadata.rows ?? 0]
            }
        }
        return try await withConnection(context) { connection, logger in
            try await connection.withTransaction(logger: logger) { connection in
                // The lock comes first and is held until commit: two replicas' concurrent DDL, or two
                // max + 1 numberings, cannot interleave.
                if let lock { _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lock.key))", logger: logger).get() }
                var changes: [Int] = []
                for (query, expected, failure) in queries {
                    let result = try await connection.query(query, logger: logger).get()
                    let changed = result.metadata.rows ?? 0
                    if let expected, !expected.contains(changed) { throw failure }
                    changes.append(changed)
                }
                return changes
            }
        }
    }

    /// Connects once outside the pool: a server that cannot be reached, or refuses the login, is
    /// reported at once with its reason instead of after the pool's retries. PostgreSQL catalogs always
    /// recorded their migrations in `catalog_migrations`, so there is nothing to adopt.
    public func prepareForMigrations() async throws(CatalogError) -> Set<Int> {
        let connection = try await connectDirectly()
        try? await connection.close()
        return []
    }

    static func query(_ statement: SQL, dialect: any SQLDialect) -> PostgresQuery {
        let (text, values) = dialect.render(statement)
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let integer): binds.append(Int(integer))
            case .real(let real): binds.append(real)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    // MARK: Connections

    private typealias Body<T> = @Sendable (PostgresConnection, Logger) async throws -> T

    /// Runs `body` on a pooled connection, waiting at most the connect timeout for one. The pool on its
    /// own retries a server that refuses connections for a minute before failing the waiting calls; a
    /// request should hear sooner that the catalog is unavailable, and why.
    private func withConnection<T: Sendable>(_ context: SQLContext, _ body: @escaping Body<T>) async throws(CatalogError) -> T {
        let client = self.client
        let logger = self.logger
        let deadline = location.connectTimeout
        let lease = LeaseFlag()
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        lease.taken.store(true, ordering: .relaxed)
                        return try await body(connection, logger)
                    }
                }
                group.addTask {
                    // An event loop's scheduled task, not `Task.sleep`: cancelled with the call's success,
                    // it is gone at once instead of holding its memory for the whole deadline.
                    let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(deadline)) {}
                    do {
                        try await withTaskCancellationHandler {
                            try await timer.futureResult.get()
                        } onCancel: {
                            timer.cancel()
                        }
                    } catch {
                        return nil  // cancelled: the call is over
                    }
                    if lease.taken.load(ordering: .relaxed) { return nil }
                    throw LeaseTimeout()
                }
                for try await case let value? in group {
                    group.cancelAll()
                    return value
                }
                throw CancellationError()  // unreachable: the body either returns a value or throws
            }
        } catch is LeaseTimeout {
            throw .unavailable(location: description, reason: await whyNoConnection())
        } catch let error as ConnectionPoolError where error == .connectionCreationCircuitBreakerTripped {
            throw .unavailable(location: description, reason: await whyNoConnection())
        } catch {
            throw wrap(error, context)
        }
    }

    /// Set once the pool hands over a connection, so the deadline only ever ends a wait for one.
    private final class LeaseFlag: Sendable {
        let taken = Atomic<Bool>(false)
    }

    private struct LeaseTimeout: Error {}

    /// A connection of its own, made now: for failing fast at start, and for finding out why the pool
    /// has none to give.
    private func connectDirectly() async throws(CatalogError) -> PostgresConnection {
        let configuration = try location.connectionConfiguration()
        directConnections.add(1, ordering: .relaxed)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw .unavailable(location: description, reason: Self.reason(error))
        }
    }

    /// Why the pool had no connection to give, found by connecting once outside it. The calls that time
    /// out together (a saturated database fails many at once) share one such connection, and its answer
    /// stands for a connect timeout: a connection each would add a storm to the saturation.
    private func whyNoConnection() async -> String {
        await noConnectionReason.answer(keptFor: location.connectTimeout) {
            do throws(CatalogError) {
                let connection = try await self.connectDirectly()
                try? await connection.close()
                return "every pooled connection stayed busy for \(self.location.connectTimeout)"
            } catch {
                if case .unavailable(_, let reason) = error { return reason }
                return error.description
            }
        }
    }

    // MARK: Error mapping

    private func wrap(_ error: any Error, _ context: SQLContext) -> CatalogError {
        let operation = context.operation
        switch error {
        case let error as CatalogError:
            return error
        case let error as PostgresTransactionError:
            if let cause = error.beginError ?? error.closureError ?? error.commitError { return wrap(cause, context) }
            return .database(operation: operation, code: "unknown", message: "the transaction failed")
        case let error as PSQLError:
            // A server error carries its SQLSTATE; anything else happened on the way to the server.
            if let info = error.serverInfo, let state = info[.sqlState], error.code == .server {
                if let kind = Self.constraint(state) {
                    return .constraint(kind, operation: operation, code: state, message: Self.message(info))
                }
                // Class 08 (connection exception) and 57P0x (the server shutting down): unavailable, not a bad query.
                if state.hasPrefix("08") || state.hasPrefix("57P0") {
                    return .unavailable(location: description, reason: "\(Self.message(info)) (\(state))")
                }
                return .database(operation: operation, code: state, message: Self.message(info))
            }
            if error.code == .queryCancelled {
                return .database(operation: operation, code: "cancelled", message: "the call was cancelled")
            }
            return .unavailable(location: description, reason: Self.reason(error))
        case let error as ConnectionPoolError:
            if error == .requestCancelled {
                return .database(operation: operation, code: "cancelled", message: "the call was cancelled")
            }
            return .unavailable(location: description, reason: error == .poolShutdown ? "the catalog was shut down" : "\(error)")
        case is CancellationError:
            return .database(operation: operation, code: "cancelled", message: "the call was cancelled")
        default:
            return .database(operation: operation, code: "unknown", message: "\(error)")
        }
    }

    /// Integrity constraint violations, SQLSTATE class 23.
    private static func constraint(_ state: String) -> ConstraintKind? {
        switch state {
        case "23505": .unique
        case "23503": .foreignKey
        case "23502": .notNull
        case "23514": .check
        default: nil
        }
    }

    /// The server's message, and its detail when it gives one ("Key (genreid)=(99) is not present…").
    private static func message(_ info: PSQLError.ServerInfo) -> String {
        let message = info[.message] ?? "no message"
        guard let detail = info[.detail], !detail.isEmpty else { return message }
        return "\(message): \(detail)"
    }

    /// Why a connection failed, for a person. `PSQLError.description` is a fixed placeholder ("PSQLError –
    /// Generic description…"), so the cause is read from its parts.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let info = error.serverInfo {
                return "\(message(info)) (\(info[.sqlState] ?? "no SQLSTATE"))"
            }
            switch error.code {
            case .poolClosed: return "the catalog was shut down"
            case .sslUnsupported: return "the server does not support TLS, which sslmode requires"
            case .serverClosedConnection: return "the server closed the connection"
            default:
                if let underlying = error.underlying { return reason(underlying) }
                return "\(error.code)"
            }
        case let error as NIOConnectionError:
            // The address tried, as a host name may resolve to one nobody expected.
            let failures = error.connectionErrors.map { "\(reason($0.error)) (\($0.target.ipAddress ?? "\($0.target)"))" }
            return failures.isEmpty ? "cannot resolve \(error.host)" : failures.joined(separator: "; ")
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case let error as ChannelError:
            if case .connectTimeout(let timeout) = error { return "no connection within \(timeout)" }
            return "\(error)"
        default:
            return "\(error)"
        }
    }
}

/// A row's cells, read in order. postgres-nio's tuple `decode` is built on parameter packs, which are not
/// specialised across the module boundary: looking up tuple metadata per row cost more than the decoding.
private struct CellReader: SQLRowReader {
    var cells: PostgresRow.Iterator
    let table: String
    var index = 0

    var lastReadColumn: String { "\(index)" }

    private mutating func next<Value: PostgresDecodable>(_: Value?.Type) throws(CatalogError) -> Value? where Value._DecodableType == Value {
        guard let cell = cells.next() else { throw .corruptRow(table: table, detail: "fewer columns than asked for") }
        index += 1
        do {
            return try cell.decode(Value?.self)
        } catch let error as PostgresDecodingError {
            throw .corruptRow(
                table: table, detail: "column \(error.columnName) holds \(error.postgresType), not \(error.targetType) (\(error.code))")
        } catch {
            throw .corruptRow(table: table, detail: "column \(cell.columnName): \(error)")
        }
    }

    mutating func optionalText() throws(CatalogError) -> String? { try next(String?.self) }
    mutating func optionalInteger() throws(CatalogError) -> Int? { try next(Int?.self) }
    mutating func optionalReal() throws(CatalogError) -> Double? { try next(Double?.self) }
}

/// PostgreSQL's spelling of the catalog's SQL.
struct PostgresDialect: SQLDialect {
    let name = "PostgreSQL"

    func placeholder(_ index: Int) -> String { "$\(index)" }

    func columnType(_ type: SQLColumnType) -> String {
        switch type {
        case .integer: "bigint"
        case .real: "double precision"
        case .text: "text"
        // Keys compare bytewise whatever the database's locale, as SQLite's do and as the folded keys the
        // service computes expect.
        case .key: "text COLLATE \"C\""
        case .blob: "bytea"
        case .timestamp: "timestamptz"
        }
    }

    func tableOptions(clustered: Bool) -> String { "" }

    func contains(_ haystack: String, _ needle: SQL) -> SQL { "strpos(\(raw: haystack), \(needle)) > 0" }
}
