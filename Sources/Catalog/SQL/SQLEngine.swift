/// One database engine under the catalog: it runs statements the catalog wrote once, and maps its own
/// errors to `CatalogError`. A new engine is one of these, a dialect, and the shared store suite.
public protocol SQLEngine: Sendable {
    /// For people: "SQLite /path/catalog.sqlite", "PostgreSQL user@host:5432/db".
    var description: String { get }
    var dialect: any SQLDialect { get }

    /// Runs a query and decodes each row, in order, on the engine's own thread or connection.
    func fetch<Row: Sendable>(
        _ statement: SQL, _ context: SQLContext, decode: @escaping @Sendable (inout any SQLRowReader) throws(CatalogError) -> Row
    ) async throws(CatalogError) -> [Row]

    /// Runs `steps` in one transaction, after taking `lock` when given (a lock held until commit, which
    /// orders writers on other replicas too). A step whose changed-row count is outside its expectation
    /// rolls everything back and throws its failure. Returns each step's changed-row count.
    @discardableResult
    func transaction(_ steps: [SQLStep], lock: SQLLock?, _ context: SQLContext) async throws(CatalogError) -> [Int]

    /// Runs before the shared migrations: fails fast, with the reason, when the database cannot be
    /// reached, and returns the versions of the shared schema that an earlier TermPlayer applied but
    /// recorded its own way (so they are recorded in `catalog_migrations` instead of applied again).
    func prepareForMigrations() async throws(CatalogError) -> Set<Int>

    /// Lets go of connections when the service stops; nothing is called afterwards.
    func close()
}

extension SQLEngine {
    public func prepareForMigrations() async throws(CatalogError) -> Set<Int> { [] }
    public func close() {}
}

/// What a statement is for, so an error can say which operation failed on which table.
public struct SQLContext: Sendable {
    public var operation: String
    public var table: String

    public init(_ operation: String, table: String) {
        self.operation = operation
        self.table = table
    }
}

/// A lock that orders writers across replicas for one transaction (a PostgreSQL advisory lock, say);
/// engines with a single writer need none.
public struct SQLLock: Sendable, Hashable {
    public var key: Int64

    public init(_ key: Int64) { self.key = key }

    /// Replicas starting together migrate one at a time.
    public static let migration = SQLLock(0x7465_726D_6D69_6731)  // "termmig1"
    /// Writes that add to the change feed, one at a time, so its positions follow commit order (and new
    /// genre ids, which are max + 1 too, are handed out one at a time).
    public static let changes = SQLLock(0x7465_726D_6368_6731)  // "termchg1"
}

/// One statement of a transaction, with how many rows it must change for the transaction to go on.
public struct SQLStep: Sendable {
    public var statement: SQL
    public var expectedChanges: ClosedRange<Int>?
    /// Thrown, after rolling back, when the changed-row count is outside `expectedChanges`.
    public var failure: CatalogError

    public init(_ statement: SQL, expecting changes: ClosedRange<Int>? = nil, otherwise failure: CatalogError = .conflict("the catalog changed meanwhile")) {
        self.statement = statement
        self.expectedChanges = changes
        self.failure = failure
    }
}

/// A result row's cells, read left to right. Every read checks what the cell holds: a NULL where a
/// value belongs, or a value of another type, is a `corruptRow` error and never a crash. Engines read
/// the three kinds of cell; the rest follows from them.
public protocol SQLRowReader {
    /// The table the row came from, for error messages.
    var table: String { get }
    /// The name (or number) of the cell the last read took; only asked for when that read failed, as
    /// finding a name costs more than reading a cell.
    var lastReadColumn: String { get }
    mutating func optionalText() throws(CatalogError) -> String?
    mutating func optionalInteger() throws(CatalogError) -> Int?
    mutating func optionalReal() throws(CatalogError) -> Double?
}

extension SQLRowReader {
    public mutating func text() throws(CatalogError) -> String {
        guard let value = try optionalText() else { throw nullCell() }
        return value
    }

    public mutating func integer() throws(CatalogError) -> Int {
        guard let value = try optionalInteger() else { throw nullCell() }
        return value
    }

    public mutating func real() throws(CatalogError) -> Double {
        guard let value = try optionalReal() else { throw nullCell() }
        return value
    }

    /// A 0/1 flag.
    public mutating func flag() throws(CatalogError) -> Bool { try integer() != 0 }

    private func nullCell() -> CatalogError {
        .corruptRow(table: table, detail: "column \(lastReadColumn) is NULL")
    }
}
