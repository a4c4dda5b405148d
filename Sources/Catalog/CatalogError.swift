/// Which rule of the schema a write broke, told apart so callers can answer "that name is taken"
/// instead of "the database failed".
public enum ConstraintKind: String, Sendable, Hashable {
    case unique
    case foreignKey = "foreign key"
    case notNull = "not null"
    case check
}

/// Why the catalog failed, carrying the database's own code and message.
public enum CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database reported an error (SQLite result code or PostgreSQL SQLSTATE).
    case database(operation: String, code: String, message: String)
    /// A write broke a constraint of the schema; `code` is the engine's own.
    case constraint(ConstraintKind, operation: String, code: String, message: String)
    /// The database could not be opened or reached, or the connection was lost.
    case unavailable(location: String, reason: String)
    /// A stored row does not decode (a NULL where a value belongs, a bundle id that fails validation…).
    case corruptRow(table: String, detail: String)
    /// What a call names is not in the catalog (a listener, a playlist).
    case notFound(String)
    /// The call was refused because of what the catalog holds now: a playlist edited since the caller
    /// read it, a name already taken.
    case conflict(String)
    /// The call asks for what cannot be: a position past a playlist's end, a rating of 7.
    case invalid(String)

    public var description: String {
        switch self {
        case .database(let operation, let code, let message): "catalog \(operation) failed: \(message) (\(code))"
        case .constraint(let kind, let operation, let code, let message):
            "catalog \(operation) broke a \(kind.rawValue) constraint: \(message) (\(code))"
        case .unavailable(let location, let reason): "catalog \(location) is unavailable: \(reason)"
        case .corruptRow(let table, let detail): "catalog table \(table) holds a bad row: \(detail)"
        case .notFound(let what): what
        case .conflict(let reason): reason
        case .invalid(let reason): reason
        }
    }

    /// The constraint a write broke, if that is what failed.
    public var brokenConstraint: ConstraintKind? {
        if case .constraint(let kind, _, _, _) = self { return kind }
        return nil
    }
}
