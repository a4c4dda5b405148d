public import Foundation
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

    /// Which of `ids` are songs in the library.
    func existingSongIDs(_ ids: [String]) async throws(CatalogError) -> Set<String>

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

    /// The catalog's identity: a random UUID made once with the catalog and the same on every replica, so a
    /// client's cache of one catalog is never mixed with another's behind the same URL. It never changes.
    func identity() async throws(CatalogError) -> String

    // MARK: Albums and artists, as the Subsonic API browses them

    /// Every album (songs sharing a folded artist and album), in folded artist, then album order.
    func albumSummaries() async throws(CatalogError) -> [AlbumSummary]

    /// Songs in full, each with its track (its rank on its album in title order). `ids` holds at most 500.
    func songRecords(_ selection: SongSelection) async throws(CatalogError) -> [TrackRecord]

    // MARK: Listeners

    /// Every account, the local listener's included, by name.
    func users() async throws(CatalogError) -> [UserRecord]

    func user(id: String) async throws(CatalogError) -> UserRecord?

    /// By name, any case or accent.
    func user(named name: String) async throws(CatalogError) -> UserRecord?

    /// Accounts other than the implicit local listener.
    func accountCount() async throws(CatalogError) -> Int

    /// Adds an account; a name already taken (any case) is `.conflict`.
    func createUser(_ user: UserRecord) async throws(CatalogError)

    /// Sets a listener's password and ends all of their login sessions (API keys stay).
    func setPassword(userID: String, hash: String, sealed: String?) async throws(CatalogError)

    /// Removes an account with everything that is theirs: marks, plays, playlists, credentials.
    func removeUser(id: String) async throws(CatalogError)

    func addCredential(_ credential: CredentialRecord) async throws(CatalogError)

    func credential(id: String) async throws(CatalogError) -> CredentialRecord?

    func credentials(userID: String, kind: CredentialRecord.Kind) async throws(CatalogError) -> [CredentialRecord]

    /// Revokes one of a listener's credentials; false when they have none with that id.
    func removeCredential(id: String, userID: String) async throws(CatalogError) -> Bool

    /// Forgets sessions that expired before `date`.
    func removeExpiredCredentials(before date: Date) async throws(CatalogError)

    /// Likes (keeping the first time) or unlikes a song; returns when it is liked since, nil when not.
    @discardableResult
    func setLiked(_ liked: Bool, songID: String, userID: String, at date: Date) async throws(CatalogError) -> Date?

    /// 1–5 stars, or 0 to clear.
    func setRating(_ rating: Int, songID: String, userID: String, at date: Date) async throws(CatalogError)

    /// A listener's marks for these songs (nil: for every song they marked or played); songs with no
    /// marks are left out.
    func marks(userID: String, songIDs: [String]?) async throws(CatalogError) -> [String: SongMarks]

    /// Stores plays not stored before, and brings the songs' play counts up to date. Returns how many
    /// were new; the rest were already there (a retry, an import run twice).
    func recordPlays(_ plays: [PlayRecord]) async throws(CatalogError) -> Int

    /// A listener's plays, newest first, before `before` (exclusive) when given.
    func history(userID: String, before: Date?, limit: Int) async throws(CatalogError) -> [(play: PlayRecord, song: SongListing?)]

    /// A listener's smart list, freshly computed.
    func smartList(_ list: SmartPlaylist, userID: String, limit: Int) async throws(CatalogError) -> [ListedSong]

    /// Playlists `userID` may see: their own, then other listeners' public ones, by name.
    func playlists(visibleTo userID: String) async throws(CatalogError) -> [PlaylistRecord]

    func playlist(id: String) async throws(CatalogError) -> PlaylistRecord?

    /// By name, any case or accent, among a listener's own playlists.
    func playlist(named name: String, ownerID: String) async throws(CatalogError) -> PlaylistRecord?

    /// A playlist's entries in order; position n is element n - 1.
    func playlistEntries(id: String) async throws(CatalogError) -> [ListedSong]

    /// A playlist and its entries, the totals counted from the entries read (one pass over the list, not two),
    /// each entry with `marksOf`'s marks when given, read in the same query.
    func playlistWithEntries(id: String, marksOf userID: String?) async throws(CatalogError) -> (playlist: PlaylistRecord, entries: [ListedSong])?

    /// Creates a playlist with its songs; a name the owner already uses (any case) is `.conflict`.
    func createPlaylist(_ playlist: PlaylistRecord, songIDs: [String]) async throws(CatalogError) -> PlaylistRecord

    /// Renames, describes or shows/hides a playlist. With `expectedVersion`, a playlist changed since
    /// is `.conflict` and nothing is lost; without, the change applies to the latest version.
    func updatePlaylist(id: String, _ details: PlaylistDetails, expectedVersion: Int?) async throws(CatalogError) -> PlaylistRecord

    /// Changes a playlist's entries, guarded like `updatePlaylist`. A position outside the playlist is `.invalid`.
    func editPlaylist(id: String, _ edit: PlaylistEdit, expectedVersion: Int?) async throws(CatalogError) -> PlaylistRecord

    func deletePlaylist(id: String) async throws(CatalogError)

    // MARK: What recommendations are built from

    /// Whether a listener's plays may shape others' suggestions, and theirs shape this listener's.
    func setSharesListening(_ shares: Bool, userID: String) async throws(CatalogError)

    /// Songs in id order after `id`: a whole-library read in pages.
    func songListings(after id: String?, limit: Int) async throws(CatalogError) -> [SongListing]

    /// These songs, in no particular order; ids the library lacks are left out.
    func songListings(ids: [String]) async throws(CatalogError) -> [SongListing]

    /// Plays of listeners who share their listening, in order of listener, start and song, after `cursor`.
    func sharedPlays(after cursor: PlayRecord?, limit: Int) async throws(CatalogError) -> [PlayRecord]

    /// Likes and ratings per song, summed over listeners who share their listening.
    func sharedAppeal() async throws(CatalogError) -> [SongAppealRecord]

    /// Changes when plays, marks or songs change: a replica compares it to decide to rebuild.
    func listeningStamp() async throws(CatalogError) -> ListeningStamp

    // MARK: The change feed

    /// Changes after `position`, oldest first, that `userID` may see (nil: only everyone's).
    func changes(after position: Int, limit: Int, visibleTo userID: String?) async throws(CatalogError) -> [ChangeRecord]

    /// The oldest position the feed still holds (nil when it is empty) and the latest (0 when it never had one).
    func changeBounds() async throws(CatalogError) -> (oldest: Int?, latest: Int)

    /// Forgets all but the latest `count` changes; a client whose cursor is older syncs whole.
    func pruneChanges(keepingLatest count: Int) async throws(CatalogError)
}

extension CatalogStore {
    /// A file-backed store has nothing to let go of.
    public func close() {}
}

