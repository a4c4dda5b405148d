public import Catalog
import Foundation
import GRDB
public import SystemPackage

/// The catalog's engine in one SQLite file (WAL mode), the zero-set-up default, on GRDB's pool: two
/// readers beside one writer, each connection on GRDB's own thread, and a checkpointer on its own.
public final class SQLiteEngine: SQLEngine {
    public let path: FilePath
    public let dialect: any SQLDialect = SQLiteDialect()
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer

    /// WAL pages after which the writer checkpoints by itself, as SQLite's default (1,000) has every
    /// writer do. `WALCheckpointer` keeps the log nearly copied long before that, so the writer's own
    /// checkpoint is a small one now and then, which also lets the log start over from its beginning.
    static let writerCheckpointPages = 8_000

    public init(path: FilePath) throws(CatalogError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "catalog"
        configuration.maximumReaderCount = 2  // two cores: more readers only add page caches
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a crash loses at most the last transactions, never corrupts the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 1 MiB of page cache per connection instead of SQLite's 2 MiB: the kernel's page cache holds the
            // file anyway, and four connections' caches were the biggest part of the service's memory.
            try db.execute(sql: "PRAGMA cache_size = -1024")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.writerCheckpointPages)")
        }
        do {
            pool = try DatabasePool(path: path.string, configuration: configuration)
            checkpointer = try WALCheckpointer(path: path.string)
        } catch {
            throw .unavailable(location: path.string, reason: (error as? DatabaseError)?.message ?? "\(error)")
        }
    }

    deinit {
        checkpointer.close()
    }

    public var description: String { "SQLite \(path)" }

    public func close() {
        checkpointer.close()
    }

    public func fetch<Value: Sendable>(
        _ statement: Catalog.SQL, _ context: SQLContext, decode: @escaping @Sendable (inout any SQLRowReader) throws(CatalogError) -> Value
    ) async throws(CatalogError) -> [Value] {
        let (text, values) = dialect.render(statement)
        let arguments = Self.arguments(values)
        do {
            return try await pool.read { db in
                let rows = try Row.fetchCursor(db.cachedStatement(sql: text), arguments: arguments)
                var decoded: [Value] = []
                while let row = try rows.next() {
                    var reader: any SQLRowReader = CellReader(row: row, table: context.table)
                    decoded.append(try decode(&reader))
                }
                return decoded
            }
        } catch {
            throw wrap(error, context)
        }
    }

    public func transaction(_ steps: [SQLStep], lock: SQLLock?, _ context: SQLContext) async throws(CatalogError) -> [Int] {
        // One writer at a time already orders every write: no lock is needed beyond the transaction.
        let rendered = steps.map { step in (dialect.render(step.statement), step.expectedChanges, step.failure) }
        do {
            let changes = try await pool.write { db in
                var changes: [Int] = []
                for ((text, values), expected, failure) in rendered {
                    try db.cachedStatement(sql: text).execute(arguments: Self.arguments(values))
                    let changed = db.changesCount
                    if let expected, !expected.contains(changed) { throw failure }
                    changes.append(changed)
                }
                return changes
            }
            checkpointer.nudge()
            return changes
        } catch {
            throw wrap(error, context)
        }
    }

    /// Catalogs made before the schema was written once were migrated by GRDB's migrator, whose first
    /// migration is the shared version 1.
    public func prepareForMigrations() async throws(CatalogError) -> Set<Int> {
        do {
            return try await pool.read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                return applied.contains("v1: genres, songs, problems") ? [1] : []
            }
        } catch {
            throw wrap(error, SQLContext("read GRDB migrations", table: "grdb_migrations"))
        }
    }

    private static func arguments(_ values: [SQLValue]) -> StatementArguments {
        let databaseValues: [DatabaseValue] = values.map { value in
            switch value {
            case .null: DatabaseValue.null
            case .integer(let integer): integer.databaseValue
            case .real(let real): real.databaseValue
            case .text(let text): text.databaseValue
            case .blob(let bytes): Data(bytes).databaseValue
            }
        }
        return StatementArguments(databaseValues)
    }

    /// SQLite's extended result codes, sorted into what callers tell apart.
    private func wrap(_ error: any Error, _ context: SQLContext) -> CatalogError {
        guard let error = error as? DatabaseError else {
            return (error as? CatalogError) ?? .database(operation: context.operation, code: "unknown", message: "\(error)")
        }
        let code = "SQLite \(error.extendedResultCode.rawValue)"
        let message = error.message ?? "\(error.resultCode)"
        let constraint: ConstraintKind? =
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY: .unique
            case .SQLITE_CONSTRAINT_FOREIGNKEY: .foreignKey
            case .SQLITE_CONSTRAINT_NOTNULL: .notNull
            case .SQLITE_CONSTRAINT_CHECK: .check
            default: nil
            }
        if let constraint { return .constraint(constraint, operation: context.operation, code: code, message: message) }
        switch error.resultCode {
        case .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_IOERR, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_FULL:
            return .unavailable(location: description, reason: "\(message) (\(code))")
        default:
            return .database(operation: context.operation, code: code, message: message)
        }
    }
}

/// Copies the WAL into the database file after writes, on a connection of its own, so that no write
/// waits for the copy and its two fsyncs. With SQLite's default, the commit that took the log past
/// 1,000 pages did all of it: about one `POST /plays` in a hundred, and the p99 of that route.
/// A passive checkpoint never blocks the writer or the readers; at most one runs every 50 ms.
private final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let nudges: AsyncStream<Void>.Continuation
    private let task: Task<Void, Never>

    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "catalog checkpoints"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -64") }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let (stream, nudges) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.connection = connection
        self.nudges = nudges
        task = Task.detached(priority: .utility) {
            for await _ in stream {
                // A checkpoint that fails (a disk error, say) leaves the log to the next one, and to the
                // writer's own past `SQLiteEngine.writerCheckpointPages`; the writes themselves are safe.
                _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// After a commit: a checkpoint soon, one for any number of commits meanwhile.
    func nudge() {
        nudges.yield()
    }

    func close() {
        nudges.finish()
        task.cancel()
    }
}

/// A GRDB row read cell by cell with the throwing decoders, so a damaged row is a `corruptRow` error
/// instead of the subscript's crash.
private struct CellReader: SQLRowReader {
    let row: Row
    let table: String
    var index = 0

    var lastReadColumn: String { column(index - 1) }

    private func column(_ position: Int) -> String {
        row.columnNames.dropFirst(position).first ?? "\(position + 1)"
    }

    /// NULL is told first, so a value is read on GRDB's fast path (straight from the statement's column)
    /// rather than through a `DatabaseValue` copy.
    private mutating func next<Value: DatabaseValueConvertible & StatementColumnConvertible>(_: Value.Type) throws(CatalogError) -> Value? {
        guard index < row.count else { throw .corruptRow(table: table, detail: "fewer columns than asked for") }
        defer { index += 1 }
        if row.hasNull(atIndex: index) { return nil }
        do {
            return try row.decode(Value.self, atIndex: index)
        } catch {
            throw .corruptRow(table: table, detail: "column \(column(index)): \(error)")
        }
    }

    mutating func optionalText() throws(CatalogError) -> String? { try next(String.self) }
    mutating func optionalInteger() throws(CatalogError) -> Int? { try next(Int.self) }
    mutating func optionalReal() throws(CatalogError) -> Double? { try next(Double.self) }
}

/// SQLite's spelling of the catalog's SQL.
struct SQLiteDialect: SQLDialect {
    let name = "SQLite"

    func placeholder(_ index: Int) -> String { "?" }

    func columnType(_ type: SQLColumnType) -> String {
        switch type {
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text, .key, .timestamp: "TEXT"  // TEXT compares bytewise (BINARY) unless told otherwise
        case .blob: "BLOB"
        }
    }

    func tableOptions(clustered: Bool) -> String { clustered ? "WITHOUT ROWID" : "" }

    func contains(_ haystack: String, _ needle: Catalog.SQL) -> Catalog.SQL { "instr(\(raw: haystack), \(needle)) > 0" }
}
