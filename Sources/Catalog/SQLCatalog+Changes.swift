import Foundation
import LibraryModel

/// The change feed: rows added inside the transactions that make the changes, under `SQLLock.changes`,
/// and read in position order.
extension SQLCatalog {
    /// The step that records a change, to end a transaction that makes one (which then takes
    /// `SQLLock.changes`). Positions are max + 1, so under the lock they follow commit order.
    func recordChange(_ kind: ChangeRecord.Kind, _ subject: String, for userID: String? = nil) -> SQLStep {
        SQLStep(
            """
            INSERT INTO changes (position, at, kind, subject, user_id)
            SELECT COALESCE(MAX(position), 0) + 1, \(Date().timeIntervalSince1970), \(kind.rawValue), \(subject), \(userID) FROM changes WHERE 1 = 1
            """)
    }

    /// A playlist's change, seen by everyone while it is public and by its owner only while it is not.
    /// Placed before a delete, it still finds the row.
    func recordPlaylistChange(_ id: String) -> SQLStep {
        SQLStep(
            """
            INSERT INTO changes (position, at, kind, subject, user_id)
            SELECT (SELECT COALESCE(MAX(position), 0) + 1 FROM changes), \(Date().timeIntervalSince1970), \(ChangeRecord.Kind.playlist.rawValue),
                p.id, CASE WHEN p.is_public = 1 THEN NULL ELSE p.owner_id END
            FROM playlists p WHERE p.id = \(id)
            """)
    }

    public func changes(after position: Int, limit: Int, visibleTo userID: String?) async throws(CatalogError) -> [ChangeRecord] {
        let visible: SQL = userID.map { "(user_id IS NULL OR user_id = \($0))" } ?? "user_id IS NULL"
        return try await engine.fetch(
            "SELECT position, at, kind, subject, user_id FROM changes WHERE position > \(position) AND \(visible) ORDER BY position LIMIT \(limit)",
            SQLContext("read changes", table: "changes")
        ) { row throws(CatalogError) in
            let position = try row.integer()
            let at = Date(timeIntervalSince1970: try row.real())
            let rawKind = try row.text()
            guard let kind = ChangeRecord.Kind(rawValue: rawKind) else { throw .corruptRow(table: "changes", detail: "unknown kind \(rawKind)") }
            return ChangeRecord(position: position, at: at, kind: kind, subject: try row.text(), userID: try row.optionalText())
        }
    }

    public func changeBounds() async throws(CatalogError) -> (oldest: Int?, latest: Int) {
        // Two subqueries, not MIN and MAX in one: SQLite answers a lone MIN or MAX from the key's ends, but
        // both together scan the table (5 ms a request at 100,000 changes).
        let rows = try await engine.fetch(
            "SELECT (SELECT MIN(position) FROM changes), (SELECT MAX(position) FROM changes)", SQLContext("read change bounds", table: "changes")
        ) {
            row throws(CatalogError) in (try row.optionalInteger(), try row.optionalInteger())
        }
        return (rows.first?.0, rows.first?.1 ?? 0)
    }

    public func pruneChanges(keepingLatest count: Int) async throws(CatalogError) {
        // The latest is always kept: positions are max + 1, and must never start again.
        try await engine.transaction(
            [SQLStep("DELETE FROM changes WHERE position <= (SELECT MAX(position) FROM changes) - \(max(1, count))")], lock: .changes,
            SQLContext("prune changes", table: "changes"))
    }
}
