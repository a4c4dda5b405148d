/// What one engine spells differently from the others: placeholders, column types, upserts, substring
/// search. Everything else in the catalog's SQL is written once, in words all the engines share.
public protocol SQLDialect: Sendable {
    /// The engine's name, for messages.
    var name: String { get }

    /// Placeholder `index` (1-based) in a statement's text.
    func placeholder(_ index: Int) -> String

    func columnType(_ type: SQLColumnType) -> String

    /// What follows a table definition's closing parenthesis (SQLite's `WITHOUT ROWID` for a table kept in
    /// primary-key order).
    func tableOptions(clustered: Bool) -> String

    /// A column of the row being inserted, inside an upsert's update (`excluded.name`, `VALUES(name)`).
    func incoming(_ column: String) -> String

    /// A column of the row already there, inside an upsert's update (`songs.name`, or just `name`).
    func existing(_ column: String, of table: String) -> String

    /// How a conflict clause starts, after the inserted rows: `ON CONFLICT (id) DO UPDATE SET`, or, when
    /// `updates` is empty, the engine's way of keeping the existing row.
    func conflictClause(on columns: [String], updating updates: [(column: String, value: SQL)]) -> SQL

    /// True where `haystack` (a column) contains `needle`, compared bytewise.
    func contains(_ haystack: String, _ needle: SQL) -> SQL
}

/// Column types by what they hold; each dialect names its own.
public enum SQLColumnType: Sendable, Hashable {
    case integer
    case real
    case text
    /// Text that is indexed and compared bytewise (ids, folded sort keys), at most this many characters.
    case key(maxLength: Int)
    case blob
    /// When a row was written, filled in by the database (`DEFAULT CURRENT_TIMESTAMP`).
    case timestamp
}

extension SQLDialect {
    /// The statement's text with this engine's placeholders, and the values in order.
    public func render(_ statement: SQL) -> (text: String, values: [SQLValue]) {
        var text = ""
        var values: [SQLValue] = []
        for piece in statement.pieces {
            switch piece {
            case .text(let fragment): text += fragment
            case .value(let value):
                values.append(value)
                text += placeholder(values.count)
            }
        }
        return (text, values)
    }

    /// `INSERT INTO table (columns) VALUES (values)`, keeping or updating a row that conflicts on `key`.
    /// With no `updates`, a conflicting row is kept as it is and nothing is inserted.
    public func upsert(
        into table: String, columns: [String], values: [SQL], conflictingOn key: [String],
        updating updates: [(column: String, value: SQL)] = []
    ) -> SQL {
        "INSERT INTO \(raw: table) (\(raw: columns.joined(separator: ", "))) VALUES (\(SQL.joined(values, separator: ", "))) "
            + conflictClause(on: key, updating: updates)
    }

    /// Like `upsert`, with the new row made by a `SELECT` (which needs a `WHERE`, for SQLite's parser).
    public func upsert(
        into table: String, columns: [String], select: SQL, conflictingOn key: [String], updating updates: [(column: String, value: SQL)] = []
    ) -> SQL {
        "INSERT INTO \(raw: table) (\(raw: columns.joined(separator: ", "))) \(select) " + conflictClause(on: key, updating: updates)
    }

    /// Sets each of `columns` to the inserted row's value, the common case of an upsert's update.
    public func takingIncoming(_ columns: [String]) -> [(column: String, value: SQL)] {
        columns.map { ($0, SQL(stringLiteral: incoming($0))) }
    }

    // MARK: Schema

    public func createTable(_ table: SQLTable, ifNotExists: Bool = false) -> SQL {
        var parts = table.columns.map { column in
            var definition = "\(column.name) \(columnType(column.type))"
            if !column.nullable { definition += " NOT NULL" }
            if let value = column.defaultValue { definition += " DEFAULT \(value)" }
            if column.type == .timestamp, column.defaultValue == nil { definition += " DEFAULT CURRENT_TIMESTAMP" }
            return definition
        }
        parts.append("PRIMARY KEY (\(table.primaryKey.joined(separator: ", ")))")
        for unique in table.unique { parts.append("UNIQUE (\(unique.joined(separator: ", ")))") }
        for key in table.foreignKeys {
            var clause = "FOREIGN KEY (\(key.columns.joined(separator: ", "))) REFERENCES \(key.table)(\(key.references.joined(separator: ", ")))"
            if key.cascades { clause += " ON DELETE CASCADE" }
            parts.append(clause)
        }
        let options = tableOptions(clustered: table.clustered)
        return SQL(stringLiteral: "CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(table.name) (\n    \(parts.joined(separator: ",\n    "))\n)\(options.isEmpty ? "" : " " + options)")
    }

    public func createIndex(_ index: SQLIndex) -> SQL {
        SQL(stringLiteral: "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(index.name) ON \(index.table) (\(index.columns.joined(separator: ", ")))")
    }

    public func addColumn(_ column: SQLColumn, to table: String) -> SQL {
        var definition = "ALTER TABLE \(table) ADD COLUMN \(column.name) \(columnType(column.type))"
        if !column.nullable { definition += " NOT NULL" }
        if let value = column.defaultValue { definition += " DEFAULT \(value)" }
        return SQL(stringLiteral: definition)
    }

    public func statements(for step: SchemaStep) -> [SQL] {
        switch step {
        case .table(let table): [createTable(table)]
        case .index(let index): [createIndex(index)]
        case .column(let column, let table): [addColumn(column, to: table)]
        case .statement(let statement): [statement]
        case .perDialect(let make): make(self)
        case .made(let make): make()
        }
    }
}

// MARK: Schema description

public struct SQLColumn: Sendable, Hashable {
    public var name: String
    public var type: SQLColumnType
    public var nullable: Bool
    /// A literal default, spliced as written ("0", "''").
    public var defaultValue: String?

    public init(_ name: String, _ type: SQLColumnType, nullable: Bool = false, default defaultValue: String? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.defaultValue = defaultValue
    }
}

public struct SQLForeignKey: Sendable, Hashable {
    public var columns: [String]
    public var table: String
    public var references: [String]
    /// Rows go when the row they point at goes.
    public var cascades: Bool

    public init(_ columns: [String], references table: String, _ references: [String], cascades: Bool = false) {
        self.columns = columns
        self.table = table
        self.references = references
        self.cascades = cascades
    }
}

public struct SQLTable: Sendable, Hashable {
    public var name: String
    public var columns: [SQLColumn]
    public var primaryKey: [String]
    public var unique: [[String]]
    public var foreignKeys: [SQLForeignKey]
    /// Rows kept in primary-key order, so a listing in that order walks the table's own pages.
    public var clustered: Bool

    public init(
        _ name: String, columns: [SQLColumn], primaryKey: [String], unique: [[String]] = [], foreignKeys: [SQLForeignKey] = [],
        clustered: Bool = false
    ) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.unique = unique
        self.foreignKeys = foreignKeys
        self.clustered = clustered
    }
}

public struct SQLIndex: Sendable, Hashable {
    public var name: String
    public var table: String
    public var columns: [String]
    public var unique: Bool

    public init(_ name: String, on table: String, _ columns: [String], unique: Bool = false) {
        self.name = name
        self.table = table
        self.columns = columns
        self.unique = unique
    }
}

/// One step of a schema migration.
public enum SchemaStep: Sendable {
    case table(SQLTable)
    case index(SQLIndex)
    case column(SQLColumn, table: String)
    case statement(SQL)
    /// A step the engines spell too differently for the words above; kept rare.
    case perDialect(@Sendable (any SQLDialect) -> [SQL])
    /// Statements made afresh each time the step is applied, for values that must differ per database (a random
    /// identity) rather than be fixed once per process with the schema.
    case made(@Sendable () -> [SQL])
}

/// `INSERT … ON CONFLICT`, the upsert SQLite and PostgreSQL share; MySQL's dialect spells its own.
extension SQLDialect {
    public func incoming(_ column: String) -> String { "excluded.\(column)" }

    public func existing(_ column: String, of table: String) -> String { "\(table).\(column)" }

    public func conflictClause(on columns: [String], updating updates: [(column: String, value: SQL)]) -> SQL {
        let target = "ON CONFLICT (\(columns.joined(separator: ", ")))"
        guard !updates.isEmpty else { return SQL(stringLiteral: target + " DO NOTHING") }
        return SQL(stringLiteral: target + " DO UPDATE SET ")
            + SQL.joined(updates.map { "\(raw: $0.column) = \($0.value)" }, separator: ", ")
    }
}
