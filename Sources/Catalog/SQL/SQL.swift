/// A value bound to a statement, never spliced into its text.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that binds as an `SQLValue`.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Double: SQLBindable {
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}

/// Flags are stored as 0 and 1 on every engine, so one schema serves them all.
extension Bool: SQLBindable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

/// A statement written once for every engine: its text, with the values it binds kept apart. An engine's
/// `SQLDialect` renders the placeholders (`?` for SQLite and MySQL, `$1…` for PostgreSQL).
///
/// Interpolating a value binds it; `\(raw:)` splices text the code itself wrote (a column name, a
/// dialect's keyword), never outside input; interpolating an `SQL` splices that fragment with its values.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public enum Piece: Sendable, Hashable {
        case text(String)
        case value(SQLValue)
    }

    public private(set) var pieces: [Piece]

    public init(pieces: [Piece]) {
        self.pieces = pieces
    }

    public init(stringLiteral text: String) {
        pieces = [.text(text)]
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        public mutating func appendInterpolation(_ value: some SQLBindable) {
            pieces.append(.value(value.sqlValue))
        }

        /// Spelled out for optionals, which bind as NULL when absent (and would otherwise draw the compiler's
        /// "debug description" warning).
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            pieces.append(.value(value.sqlValue))
        }

        public mutating func appendInterpolation(raw text: String) {
            pieces.append(.text(text))
        }

        public mutating func appendInterpolation(_ fragment: SQL) {
            pieces.append(contentsOf: fragment.pieces)
        }

        /// `?, ?, ?`: one placeholder per value, for `IN (…)`.
        public mutating func appendInterpolation(list values: [some SQLBindable]) {
            for (index, value) in values.enumerated() {
                if index > 0 { pieces.append(.text(", ")) }
                pieces.append(.value(value.sqlValue))
            }
        }
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        SQL(pieces: lhs.pieces + rhs.pieces)
    }

    public static func += (lhs: inout SQL, rhs: SQL) {
        lhs.pieces += rhs.pieces
    }

    /// Fragments one after another with `separator` between them ("a = ? AND b = ?").
    public static func joined(_ fragments: [SQL], separator: String) -> SQL {
        var pieces: [Piece] = []
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { pieces.append(.text(separator)) }
            pieces += fragment.pieces
        }
        return SQL(pieces: pieces)
    }

    public var values: [SQLValue] {
        pieces.compactMap { if case .value(let value) = $0 { value } else { nil } }
    }

    /// The text with `?` placeholders, for logs and error messages (values are left out).
    public var description: String {
        pieces.map { if case .text(let text) = $0 { text } else { "?" } }.joined()
    }
}
