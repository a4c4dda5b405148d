public import LibraryModel

/// The relational catalog: genres, songs and ingest problems. SQLite by default, PostgreSQL scaled out;
/// one test suite runs against every implementation.
public protocol CatalogStore: Sendable {
    /// For people: "SQLite /path/catalog.sqlite".
    var description: String { get }

    /// Creates or upgrades the schema and seeds the genres. Safe to call on every start.
    func migrate() async throws(CatalogError)

    /// Genres by id, with how many songs each holds.
    func genres() async throws(CatalogError) -> [Genre]

    /// The genre a reference names. A name matches case-insensitively; an unknown name is created when
    /// `create` is set. An unknown id is nil.
    func genre(for reference: GenreReference, create: Bool) async throws(CatalogError) -> Genre?

    func song(_ id: BundleID) async throws(CatalogError) -> SongRecord?

    /// One page of songs in title order, after `cursor` (exclusive), skipping `offset` first.
    func songs(matching filter: SongFilter, after cursor: SongCursor?, offset: Int, limit: Int) async throws(CatalogError) -> [SongListing]

    /// Ids of every song, a page at a time, for the start-up reconciliation.
    func songIDs(after: BundleID?, limit: Int) async throws(CatalogError) -> [BundleID]

    func songCount() async throws(CatalogError) -> Int

    /// Inserts or replaces a song by id and clears any problem recorded for it, in one transaction.
    func upsert(_ song: SongRecord) async throws(CatalogError)

    func removeSong(_ id: BundleID) async throws(CatalogError)

    /// Records a problem, keeping its `since` when the same state was already recorded.
    func record(_ problem: ProblemRecord) async throws(CatalogError)

    func clearProblem(_ subject: String) async throws(CatalogError)

    func problem(_ subject: String) async throws(CatalogError) -> ProblemRecord?

    func problems() async throws(CatalogError) -> [ProblemRecord]

    /// Lets go of connections when the service stops; nothing is called afterwards.
    func close()
}
