public import LibraryModel
public import PlayerCore

#if canImport(Glibc)
import Glibc
#endif

/// One song as the UI lists and plays it: the fields it shows, the listener's marks, its URL and its
/// cover's. Decoded straight from the API's `/songs` (other fields are skipped).
public struct LibrarySong: Sendable, Equatable, Identifiable, Decodable {
    // Stored in this order, with the year, the length and the marks in small fields and the cover's URL
    // as two bits when it is the audio file's with `.jpg` or `.png` for its extension (as the service
    // serves them), so that a song takes 144 bytes rather than 200: the library holds 100,000 of them or
    // more.
    public var id: String
    public var title: String
    public var artist: String
    public var album: String
    public var genre: String
    public var file: String {
        // A cover kept as "the file's, with .jpg" stays the same URL when the file's changes.
        didSet {
            guard imageForm == .jpeg || imageForm == .png, let stem = Self.stem(of: oldValue) else { return }
            (imageForm, otherImage) = Self.storedImage(stem + (imageForm == .jpeg ? ".jpg" : ".png"), file: file)
        }
    }
    /// ISO 8601, nil when never played.
    public var lastPlayed: String?
    /// The length in seconds; NaN when unknown.
    private var storedDuration: Double
    /// A cover URL that is not the file's with another extension (a presigned URL, a Subsonic server's).
    private var otherImage: ImageURL?
    /// `Int32.min` when unknown.
    private var storedYear: Int32
    private var storedPlays: UInt32
    /// The listener's marks. A server from before listeners sends none of them: unliked, unrated, unplayed.
    public var liked: Bool
    private var storedRating: UInt8
    private var imageForm: ImageForm

    public var year: Int? {
        get { storedYear == Int32.min ? nil : Int(storedYear) }
        set { storedYear = newValue.map { Int32(clamping: max(Int(Int32.min) + 1, $0)) } ?? Int32.min }
    }

    public var duration: Double? {
        get { storedDuration.isNaN ? nil : storedDuration }
        set { storedDuration = newValue ?? .nan }
    }

    /// 0–5 stars; 0 is unrated.
    public var rating: Int {
        get { Int(storedRating) }
        set { storedRating = UInt8(min(5, max(0, newValue))) }
    }

    /// Counted plays.
    public var plays: Int {
        get { Int(storedPlays) }
        set { storedPlays = UInt32(clamping: max(0, newValue)) }
    }

    /// The cover's URL (`image` in `/songs`); nil when the song has none.
    public var image: String? {
        get {
            switch imageForm {
            case .none: nil
            case .other: otherImage?.url
            case .jpeg, .png: Self.stem(of: file).map { $0 + (imageForm == .jpeg ? ".jpg" : ".png") }
            }
        }
        set { (imageForm, otherImage) = Self.storedImage(newValue, file: file) }
    }

    public init(
        id: String, title: String, artist: String = "", album: String = "", genre: String = "", year: Int? = nil, duration: Double? = nil,
        file: String, image: String? = nil, liked: Bool = false, rating: Int = 0, plays: Int = 0, lastPlayed: String? = nil
    ) {
        (self.id, self.title, self.artist, self.album, self.genre) = (id, title, artist, album, genre)
        self.file = file
        storedYear = year.map { Int32(clamping: max(Int(Int32.min) + 1, $0)) } ?? Int32.min
        storedDuration = duration ?? .nan
        (imageForm, otherImage) = Self.storedImage(image, file: file)
        // Marks come from the service: kept within what they can mean.
        (self.liked, self.lastPlayed) = (liked, lastPlayed)
        storedRating = UInt8(min(5, max(0, rating)))
        storedPlays = UInt32(clamping: max(0, plays))
    }

    public init(_ song: Song) {
        self.init(id: song.id, title: song.title, artist: song.artist, album: song.album, genre: song.genre,
                  year: song.year, duration: song.duration, file: song.file, image: song.image,
                  liked: song.liked ?? false, rating: song.rating ?? 0, plays: song.plays ?? 0, lastPlayed: song.lastPlayed)
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, artist, album, genre, year, duration, file, image, liked, rating, plays, lastPlayed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            title: try container.decode(String.self, forKey: .title),
            artist: try container.decodeIfPresent(String.self, forKey: .artist) ?? "",
            album: try container.decodeIfPresent(String.self, forKey: .album) ?? "",
            genre: try container.decodeIfPresent(String.self, forKey: .genre) ?? "",
            year: try container.decodeIfPresent(Int.self, forKey: .year),
            duration: try container.decodeIfPresent(Double.self, forKey: .duration),
            file: try container.decode(String.self, forKey: .file),
            image: try container.decodeIfPresent(String.self, forKey: .image),
            liked: try container.decodeIfPresent(Bool.self, forKey: .liked) ?? false,
            rating: try container.decodeIfPresent(Int.self, forKey: .rating) ?? 0,
            plays: try container.decodeIfPresent(Int.self, forKey: .plays) ?? 0,
            lastPlayed: try container.decodeIfPresent(String.self, forKey: .lastPlayed))
    }

    public var track: Track {
        Track(id: id, url: file, title: title, artist: artist, album: album, duration: duration)
    }

    public static func == (lhs: LibrarySong, rhs: LibrarySong) -> Bool {
        lhs.id == rhs.id && lhs.title == rhs.title && lhs.artist == rhs.artist && lhs.album == rhs.album && lhs.genre == rhs.genre
            && lhs.file == rhs.file && lhs.lastPlayed == rhs.lastPlayed && lhs.year == rhs.year && lhs.duration == rhs.duration
            && lhs.liked == rhs.liked && lhs.rating == rhs.rating && lhs.plays == rhs.plays && lhs.image == rhs.image
    }

    /// How the cover's URL is kept.
    private enum ImageForm: UInt8, Sendable {
        case none
        /// The file's URL with `.jpg` (`.png`) for its extension.
        case jpeg, png
        /// `otherImage`.
        case other
    }

    /// A URL of its own, boxed: one pointer in the song, and only for covers the service does not serve
    /// beside the audio.
    private final class ImageURL: Sendable {
        let url: String
        init(_ url: String) { self.url = url }
    }

    private static func storedImage(_ image: String?, file: String) -> (ImageForm, ImageURL?) {
        guard let image else { return (.none, nil) }
        if let stem = stem(of: file), image.utf8.count == stem.utf8.count + 4, image.utf8.starts(with: stem.utf8) {
            if image.hasSuffix(".jpg") { return (.jpeg, nil) }
            if image.hasSuffix(".png") { return (.png, nil) }
        }
        return (.other, ImageURL(image))
    }

    /// The file's URL without its extension; nil without one, or with a query or fragment.
    private static func stem(of file: String) -> String? {
        let bytes = file.utf8
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let tail = bytes[dot...]
        guard !tail.contains(UInt8(ascii: "/")), !tail.contains(UInt8(ascii: "?")), !tail.contains(UInt8(ascii: "#")) else { return nil }
        return String(file[..<dot])
    }
}

public enum SongSort: String, Sendable, CaseIterable {
    case title, artist, album, year

    var next: SongSort {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }
}

/// The library as the UI browses it, with every index a view needs built once, off the UI thread, when
/// the songs arrive: a keypress then only walks what is on screen. The change feed then edits each index
/// in place (`apply(_:)`): a binary search and one insertion per index, never a rebuild per change.
public struct Library: Sendable, Equatable {
    public struct GenreEntry: Sendable, Equatable {
        public var name: String
        /// Indexes into `songs`, in title order.
        public var songs: [Int]
    }

    public struct AlbumEntry: Sendable, Equatable {
        public var name: String
        /// Indexes into `songs`, in title order.
        public var songs: [Int]
    }

    public struct ArtistEntry: Sendable, Equatable {
        public var name: String
        public var albums: [AlbumEntry]
    }

    /// Every song's slot; the indexes below point into it. Built in title order, as the API lists them; a
    /// song the feed adds (or moves) takes a new slot at the end, and a removed song's slot stays, in no
    /// index, until the next rebuild, so that no other slot's index changes. `count` is how many songs
    /// there are; read songs through an index or `song(withID:)`, not by walking this.
    public private(set) var songs: [LibrarySong]
    /// Song id → index into `songs`, so a mark or a playlist entry finds its song without a scan. Int32
    /// keeps a million songs' table small.
    private var indexByID: [String: Int32]
    /// Genres as the API lists them (by id), with their songs; then genres only songs name, by name.
    public private(set) var genres: [GenreEntry]
    /// How many of `genres` the API listed.
    private var listedGenres: Int
    /// Artists by name, each with albums by name.
    public private(set) var artists: [ArtistEntry]
    /// Every slot's title, artist and album, folded (case and accents), one after another, for search as you type;
    /// slot `i`'s text is `searchText[searchStarts[i]..<searchStarts[i + 1]]`. One buffer instead of an
    /// array per song saves ~50 bytes a song.
    private var searchText: [UInt8]
    private var searchStarts: [Int32]
    /// Each slot's `mask(of:)` its search text: a word most songs lack rules them out without reading
    /// their text (8 bytes a song).
    private var searchMasks: [UInt64]
    /// Song indexes in each order.
    private var orders: [SongSort: [Int]]
    /// Slots of removed (or moved) songs, kept until a rebuild.
    private var deadSlots = 0

    public init(songs: [LibrarySong], genres: [Genre]) {
        self.init(songs: songs, genreNames: genres.map(\.genre))
    }

    /// Builds every index in a few passes over the songs, without sorting a million songs by any key:
    /// the songs come in title order (their slots), so songs grouped by genre, album or year, in slot
    /// order, are in title order already, and only the groups (a few thousand) are sorted. This is the
    /// same order a sort of every song by (key, title order) gives, which `apply(_:)` keeps up in place.
    public init(songs: [LibrarySong], genreNames: [String]) {
        self.songs = songs
        var indexByID: [String: Int32] = [:]
        indexByID.reserveCapacity(songs.count)
        var byGenre = Groups<String>()
        var byAlbum = Groups<AlbumName>()
        var byYear = Groups<Int>()
        var text: [UInt8] = []
        text.reserveCapacity(songs.count * 40)
        var starts: [Int32] = [0]
        starts.reserveCapacity(songs.count + 1)
        var masks: [UInt64] = []
        masks.reserveCapacity(songs.count)
        for (index, song) in songs.enumerated() {
            // A duplicate id (a misbehaving server) keeps its first song rather than trapping.
            if let first = indexByID.updateValue(Int32(clamping: index), forKey: song.id) { indexByID[song.id] = first }
            byGenre.add(index, to: song.genre)
            byAlbum.add(index, to: AlbumName(artist: song.artist, album: song.album))
            byYear.add(index, to: song.year ?? Int.max)
            Self.appendSearchable(song, to: &text)
            masks.append(Self.mask(of: text[Int(starts[index])...]))
            starts.append(Int32(clamping: text.count))
        }
        self.indexByID = indexByID
        searchText = text
        searchStarts = starts
        searchMasks = masks

        let listed = Set(genreNames)
        genres = genreNames.map { GenreEntry(name: $0, songs: byGenre[$0]) }
            + byGenre.keys.filter { !listed.contains($0) }.sorted().map { GenreEntry(name: $0, songs: byGenre[$0]) }
        listedGenres = genreNames.count

        var byArtist = Groups<String>()
        for (row, album) in byAlbum.keys.enumerated() { byArtist.add(row, to: album.artist) }
        let artistEntries = byArtist.keys.indices.map { row in
            let albums = byArtist.members[row].map { AlbumEntry(name: byAlbum.keys[$0].album, songs: byAlbum.members[$0]) }
            return ArtistEntry(name: byArtist.keys[row], albums: Self.sortedByFoldedName(albums, name: \.name))
        }
        artists = Self.sortedByFoldedName(artistEntries, name: \.name)

        /// Groups in the order of their folded keys, their songs one after another: groups whose keys fold
        /// alike (names differing only in case) are merged back into title order.
        func order(of groups: [[Int]], by keys: [[UInt8]]) -> [Int] {
            let sorted = groups.indices.sorted { keys[$0] != keys[$1] ? keys[$0].lexicographicallyPrecedes(keys[$1]) : $0 < $1 }
            var order: [Int] = []
            order.reserveCapacity(songs.count)
            var at = 0
            while at < sorted.count {
                var end = at + 1
                while end < sorted.count, keys[sorted[end]] == keys[sorted[at]] { end += 1 }
                if end - at == 1 {
                    order += groups[sorted[at]]
                } else {
                    order += sorted[at..<end].flatMap { groups[$0] }.sorted()
                }
                at = end
            }
            return order
        }
        let yearRows = byYear.keys.indices.sorted { byYear.keys[$0] < byYear.keys[$1] }
        orders = [
            .title: Array(songs.indices),
            .artist: order(of: byAlbum.members, by: byAlbum.keys.map { Self.folded("\($0.artist)\u{1}\($0.album)") }),
            .album: order(of: byAlbum.members, by: byAlbum.keys.map { Self.folded("\($0.album)\u{1}\($0.artist)") }),
            .year: yearRows.flatMap { byYear.members[$0] },
        ]
    }

    /// Indexes grouped by a key, groups in the order their keys first came, each group's in the order added.
    private struct Groups<Key: Hashable> {
        private var rows: [Key: Int] = [:]
        private(set) var keys: [Key] = []
        private(set) var members: [[Int]] = []

        mutating func add(_ index: Int, to key: Key) {
            if let row = rows[key] {
                members[row].append(index)
            } else {
                rows[key] = keys.count
                keys.append(key)
                members.append([index])
            }
        }

        subscript(key: Key) -> [Int] { rows[key].map { members[$0] } ?? [] }
    }

    /// An artist's album, as songs are grouped by it.
    private struct AlbumName: Hashable {
        var artist: String
        var album: String
    }

    private static func sortedByFoldedName<Entry>(_ entries: [Entry], name: (Entry) -> String) -> [Entry] {
        let keys = entries.map { folded(name($0)) }
        return entries.indices.sorted { keys[$0] != keys[$1] ? keys[$0].lexicographicallyPrecedes(keys[$1]) : $0 < $1 }.map { entries[$0] }
    }

    public static let empty = Library(songs: [], genreNames: [])

    /// How many songs the library has (`songs` also holds the slots of removed ones).
    public var count: Int { orders[.title]?.count ?? songs.count }

    public var isEmpty: Bool { count == 0 }

    /// The index of the song with `id` in `songs`, in O(1).
    public func index(ofSongID id: String) -> Int? {
        guard let index = indexByID[id].map(Int.init), songs.indices.contains(index) else { return nil }
        return index
    }

    public func song(withID id: String) -> LibrarySong? {
        index(ofSongID: id).map { songs[$0] }
    }

    /// Changes a song's marks where it is, touching no index; false when the library has no such song.
    @discardableResult
    public mutating func setMarks(ofSongID id: String, liked: Bool? = nil, rating: Int? = nil) -> Bool {
        guard let index = index(ofSongID: id) else { return false }
        if let liked { songs[index].liked = liked }
        if let rating { songs[index].rating = min(5, max(0, rating)) }
        return true
    }

    /// Song indexes in `sort` order.
    public func order(_ sort: SongSort) -> [Int] {
        orders[sort] ?? Array(songs.indices)
    }

    /// Songs whose title, artist or album contain every word of `query`, any case or accents (folded as the
    /// service's `?q=` folds them: `beyonce` finds *Beyoncé*), in title order.
    /// Narrowing a query only searches the previous results (`within`).
    public func search(_ query: String, within candidates: [Int]? = nil) -> [Int] {
        let candidates = candidates ?? order(.title)
        var found: [Int] = []
        found.reserveCapacity(candidates.count)
        search(query, in: candidates[...], into: &found)
        // Nothing filtered out: share the candidates' storage rather than keep a copy (Backspace keeps
        // every step's results).
        return found.count == candidates.count ? candidates : found
    }

    /// Appends the songs of `candidates` that match `query` to `found`, in the candidates' order: a part
    /// of a search at a time, so a frame need not wait for a million songs (`SearchScan`).
    public func search(_ query: String, in candidates: ArraySlice<Int>, into found: inout [Int]) {
        let words = SearchKey.fold(query).split(separator: " ").map { Array($0.utf8) }
        guard !words.isEmpty else {
            found += candidates
            return
        }
        let needed = words.reduce(0) { $0 | Self.mask(of: $1) }
        // A letter or digit alone is decided by the masks; longer words are looked for in the text.
        let scanned = words.filter { $0.count > 1 || Self.mask(of: $0) & Self.inexactBits != 0 }
        // A scan on raw pointers: typing into a search over 1,000,000 songs must fit in a frame.
        searchText.withUnsafeBufferPointer { text in
            searchStarts.withUnsafeBufferPointer { starts in
                searchMasks.withUnsafeBufferPointer { masks in
                    for index in candidates where masks[index] & needed == needed {
                        let song = UnsafeBufferPointer(rebasing: text[Int(starts[index])..<Int(starts[index + 1])])
                        if scanned.allSatisfy({ word in word.withUnsafeBufferPointer { Self.contains(song, $0) } }) {
                            found.append(index)
                        }
                    }
                }
            }
        }
    }

    /// Which bytes a text holds, as bits: a–z and 0–9 one bit each (exact), any other byte one of 28
    /// bits it shares. A song lacking one of a word's bits cannot hold the word.
    private static func mask(of bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 | bit(of: $1) }
    }

    private static func bit(of byte: UInt8) -> UInt64 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): 1 << UInt64(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): 1 << UInt64(26 + byte - UInt8(ascii: "0"))
        default: 1 << UInt64(36 + byte % 28)
        }
    }

    /// The bits bytes share: a word with one of them is looked for in the text.
    private static let inexactBits: UInt64 = ~0 << 36

    /// memchr finds the word's first byte (16 or 32 bytes a step), memcmp checks the rest there: most
    /// songs hold a word's first byte once or twice at most.
    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first, let needleStart = needle.baseAddress else { return true }
        guard needle.count <= haystack.count, let base = haystack.baseAddress else { return false }
        let last = base + (haystack.count - needle.count)
        var start = base
        while start <= last {
            guard let found = memchr(start, Int32(first), last - start + 1) else { return false }
            let hit = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
            if needle.count == 1 || memcmp(hit + 1, needleStart + 1, needle.count - 1) == 0 { return true }
            start = hit + 1
        }
        return false
    }

    /// A song's searchable text, folded: title, artist and album on lines of their own.
    private static func appendSearchable(_ song: LibrarySong, to text: inout [UInt8]) {
        appendFolded(song.title, to: &text)
        text.append(UInt8(ascii: "\n"))
        appendFolded(song.artist, to: &text)
        text.append(UInt8(ascii: "\n"))
        appendFolded(song.album, to: &text)
    }

    /// `SearchKey.fold(text)`'s UTF-8, without making a String for the common ASCII case.
    private static func appendFolded(_ string: String, to text: inout [UInt8]) {
        var string = string
        let ascii = string.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return false }
            for byte in bytes { text.append(byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte) }
            return true
        }
        if !ascii { text += SearchKey.fold(string).utf8 }
    }

    private static func artistKey(_ song: LibrarySong) -> String { "\(song.artist)\u{1}\(song.album)" }
    private static func albumKey(_ song: LibrarySong) -> String { "\(song.album)\u{1}\(song.artist)" }

    /// Case- and accent-folded bytes, so sorting compares bytes instead of Unicode-collating strings.
    private static func folded(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        appendFolded(text, to: &bytes)
        return bytes
    }
}

// MARK: The change feed

extension Library {
    /// What `apply(_:)` did, so the state can carry its own lists (search results, cursors) along.
    public struct Applied: Sendable, Equatable {
        /// Any song or genre changed.
        public var changed = false
        /// Every index was built again (a batch too large to edit one song at a time, or dead slots to
        /// drop): slots moved, so lists of slots held elsewhere must be made again.
        public var rebuilt = false
        /// Slots taken out of every index: removed songs, and the old slots of moved ones.
        public var removedSlots: [Int] = []
        /// Slots put into every index and still in them: new songs, and the new slots of moved ones.
        public var insertedSlots: [Int] = []
    }

    /// Applies the feed's song and genre changes in place (marks and playlists are the state's): each new
    /// or moved song is put into every index by binary search, each removed one taken out. A batch large
    /// for the library is applied by one rebuild instead; so is one that leaves too many dead slots.
    @discardableResult
    public mutating func apply(_ changes: [Change]) -> Applied {
        var applied = Applied()
        let songChanges = changes.count { $0.kind == .song }
        if Self.rebuildPays(changes: songChanges, songs: count) {
            rebuild(with: changes)
            return Applied(changed: true, rebuilt: true)
        }
        for change in changes {
            switch change.kind {
            case .song:
                if let song = change.song { upsert(LibrarySong(song), into: &applied) } else { remove(songID: change.id, into: &applied) }
            case .genre:
                if let genre = change.genre, addGenre(genre.genre) { applied.changed = true }
            case .marks, .playlist:
                break
            }
        }
        if deadSlots > max(4096, count) {
            self = Library(songs: order(.title).map { songs[$0] }, genreNames: genres.prefix(listedGenres).map(\.name))
            return Applied(changed: true, rebuilt: true)
        }
        // A slot put in and taken out again within the batch is in no index.
        applied.insertedSlots.removeAll { indexByID[songs[$0].id].map(Int.init) != $0 }
        return applied
    }

    /// One rebuild costs about as much as editing every index a few thousand times over.
    static func rebuildPays(changes: Int, songs: Int) -> Bool {
        changes > 256 && changes * 4 > songs
    }

    /// The row of the song in `slot` in `sort`'s order, by binary search; nil when it is in none.
    public func row(ofSlot slot: Int, in sort: SongSort) -> Int? {
        guard songs.indices.contains(slot) else { return nil }
        return Self.find(slot, in: order(sort)) { precedes($0, Probe(self, slot), in: sort) }
    }

    /// The row of `slot` in `list`, a part of the title order (a genre's songs, an album's, search results).
    public func row(ofSlot slot: Int, inTitleOrdered list: [Int]) -> Int? {
        guard songs.indices.contains(slot) else { return nil }
        let probe = Probe(self, slot)
        return Self.find(slot, in: list) { precedes($0, probe, in: .title) }
    }

    /// Puts `slot` into `list`, a part of the title order, where it belongs.
    public func insert(_ slot: Int, intoTitleOrdered list: inout [Int]) {
        guard songs.indices.contains(slot) else { return }
        let probe = Probe(self, slot)
        let at = Self.lowerBound(list) { precedes($0, probe, in: .title) }
        if at < list.count, list[at] == slot { return }
        list.insert(slot, at: at)
    }

    /// Takes `slot` out of `list`, a part of the title order.
    public func remove(_ slot: Int, fromTitleOrdered list: inout [Int]) {
        if let row = row(ofSlot: slot, inTitleOrdered: list) { list.remove(at: row) }
    }

    /// The song in `slot` matches `query` (as `search` matches).
    public func matches(_ slot: Int, _ query: String) -> Bool {
        guard songs.indices.contains(slot) else { return false }
        return query.split(separator: " ").isEmpty || !search(query, within: [slot]).isEmpty
    }

    // MARK: Editing one song at a time

    private mutating func upsert(_ song: LibrarySong, into applied: inout Applied) {
        applied.changed = true
        if let slot = index(ofSongID: song.id) {
            let old = songs[slot]
            // Nothing an index is built from changed (a new file, length or marks): in place.
            if old.title == song.title, old.artist == song.artist, old.album == song.album, old.genre == song.genre, old.year == song.year {
                songs[slot] = song
                return
            }
            unindex(slot)
            applied.removedSlots.append(slot)
        }
        let slot = songs.count
        songs.append(song)
        indexByID[song.id] = Int32(clamping: slot)
        Self.appendSearchable(song, to: &searchText)
        searchMasks.append(Self.mask(of: searchText[Int(searchStarts[slot])...]))
        searchStarts.append(Int32(clamping: searchText.count))
        index(slot)
        applied.insertedSlots.append(slot)
    }

    private mutating func remove(songID: String, into applied: inout Applied) {
        guard let slot = index(ofSongID: songID) else { return }
        unindex(slot)
        applied.changed = true
        applied.removedSlots.append(slot)
    }

    /// Puts the song in `slot` into every index.
    private mutating func index(_ slot: Int) {
        let probe = Probe(self, slot)
        let song = songs[slot]
        for sort in SongSort.allCases {
            let at = Self.lowerBound(order(sort)) { precedes($0, probe, in: sort) }
            orders[sort, default: []].insert(slot, at: at)
        }
        let genre = genres.firstIndex { $0.name == song.genre } ?? insertUnlistedGenre(song.genre)
        genres[genre].songs.insert(slot, at: Self.lowerBound(genres[genre].songs) { precedes($0, probe, in: .title) })
        let artist = artistRow(song.artist) ?? insertArtist(song.artist)
        let album = albumRow(song.album, artist: artist) ?? insertAlbum(song.album, artist: artist)
        artists[artist].albums[album].songs.insert(slot, at: Self.lowerBound(artists[artist].albums[album].songs) { precedes($0, probe, in: .title) })
    }

    /// Takes the song in `slot` out of every index; its slot stays, dead, until a rebuild.
    private mutating func unindex(_ slot: Int) {
        let probe = Probe(self, slot)
        let song = songs[slot]
        if indexByID[song.id].map(Int.init) == slot { indexByID[song.id] = nil }
        for sort in SongSort.allCases {
            if let row = Self.find(slot, in: order(sort), where: { precedes($0, probe, in: sort) }) { orders[sort]?.remove(at: row) }
        }
        if let genre = genres.firstIndex(where: { $0.name == song.genre }),
           let row = Self.find(slot, in: genres[genre].songs, where: { precedes($0, probe, in: .title) }) {
            genres[genre].songs.remove(at: row)
            // A genre only songs named goes with its last song, as a rebuild would leave it out.
            if genre >= listedGenres, genres[genre].songs.isEmpty { genres.remove(at: genre) }
        }
        if let artist = artistRow(song.artist), let album = albumRow(song.album, artist: artist),
           let row = Self.find(slot, in: artists[artist].albums[album].songs, where: { precedes($0, probe, in: .title) }) {
            artists[artist].albums[album].songs.remove(at: row)
            if artists[artist].albums[album].songs.isEmpty { artists[artist].albums.remove(at: album) }
            if artists[artist].albums.isEmpty { artists.remove(at: artist) }
        }
        deadSlots += 1
    }

    /// A genre the API lists now: after the others it listed (it has the newest id). False when known.
    private mutating func addGenre(_ name: String) -> Bool {
        if let row = genres.firstIndex(where: { $0.name == name }) {
            guard row >= listedGenres else { return false }
            let entry = genres.remove(at: row)
            genres.insert(entry, at: listedGenres)
        } else {
            genres.insert(GenreEntry(name: name, songs: []), at: listedGenres)
        }
        listedGenres += 1
        return true
    }

    private mutating func insertUnlistedGenre(_ name: String) -> Int {
        let at = listedGenres + genres[listedGenres...].prefix { $0.name < name }.count
        genres.insert(GenreEntry(name: name, songs: []), at: at)
        return at
    }

    private func artistRow(_ name: String) -> Int? {
        Self.nameRow(name, among: artists.indices) { artists[$0].name }
    }

    private mutating func insertArtist(_ name: String) -> Int {
        let at = Self.namePosition(name, among: artists.indices) { artists[$0].name }
        artists.insert(ArtistEntry(name: name, albums: []), at: at)
        return at
    }

    private func albumRow(_ name: String, artist: Int) -> Int? {
        Self.nameRow(name, among: artists[artist].albums.indices) { artists[artist].albums[$0].name }
    }

    private mutating func insertAlbum(_ name: String, artist: Int) -> Int {
        let at = Self.namePosition(name, among: artists[artist].albums.indices) { artists[artist].albums[$0].name }
        artists[artist].albums.insert(AlbumEntry(name: name, songs: []), at: at)
        return at
    }

    /// The first row of a list sorted by folded name whose name does not fold before `name`.
    private static func namePosition(_ name: String, among rows: Range<Int>, name nameAt: (Int) -> String) -> Int {
        let key = folded(name)
        return lowerBound(rows) { folded(nameAt($0)).lexicographicallyPrecedes(key) }
    }

    /// The row named `name` exactly in a list sorted by folded name (names that fold alike sit together).
    private static func nameRow(_ name: String, among rows: Range<Int>, name nameAt: (Int) -> String) -> Int? {
        let key = folded(name)
        var row = namePosition(name, among: rows, name: nameAt)
        while row < rows.upperBound, folded(nameAt(row)) == key {
            if nameAt(row) == name { return row }
            row += 1
        }
        return nil
    }

    // MARK: Rebuilding once for a large batch

    private mutating func rebuild(with changes: [Change]) {
        var latest: [String: Song?] = [:]
        var genreNames = genres.prefix(listedGenres).map(\.name)
        for change in changes {
            switch change.kind {
            case .song: latest[change.id] = .some(change.song)
            case .genre:
                if let name = change.genre?.genre, !genreNames.contains(name) { genreNames.append(name) }
            case .marks, .playlist: break
            }
        }
        let kept = order(.title).filter { latest[songs[$0].id] == nil }
        let added = latest.values.compactMap { $0 }.map(LibrarySong.init).sorted { Probe($0).precedes(Probe($1)) }
        // The kept songs are in title order already: only the added ones are looked up among them.
        var merged: [LibrarySong] = []
        merged.reserveCapacity(kept.count + added.count)
        var next = 0
        for song in added {
            let probe = Probe(song)
            let at = Self.lowerBound(kept) { precedes($0, probe, in: .title) }
            while next < at {
                merged.append(songs[kept[next]])
                next += 1
            }
            merged.append(song)
        }
        merged += kept[next...].map { songs[$0] }
        self = Library(songs: merged, genreNames: genreNames)
    }

    // MARK: Orders

    /// A song's keys in every order, worked out once for a binary search.
    private struct Probe {
        var slot: Int
        var title: [UInt8]
        var id: String
        var artist: [UInt8]
        var album: [UInt8]
        var year: Int

        init(_ song: LibrarySong, slot: Int = Int.max) {
            self.slot = slot
            // The service's own title order: the folded title's bytes, then the id.
            title = Array(SearchKey.fold(song.title).utf8)
            id = song.id
            artist = Library.folded(Library.artistKey(song))
            album = Library.folded(Library.albumKey(song))
            year = song.year ?? Int.max
        }

        init(_ library: Library, _ slot: Int) {
            self.init(library.songs[slot], slot: slot)
        }

        /// In title order.
        func precedes(_ other: Probe) -> Bool {
            Self.titlePrecedes(title, id, slot, other)
        }

        static func titlePrecedes(_ title: [UInt8], _ id: String, _ slot: Int, _ other: Probe) -> Bool {
            if title != other.title { return title.lexicographicallyPrecedes(other.title) }
            if id != other.id { return id.utf8.lexicographicallyPrecedes(other.id.utf8) }
            return slot < other.slot
        }
    }

    /// Slot `element` comes before the probe in `sort`'s order; ties in title order, as the build orders
    /// them (its slots are in title order), so that editing in place and building afresh agree.
    private func precedes(_ element: Int, _ probe: Probe, in sort: SongSort) -> Bool {
        let song = songs[element]
        let inTitleOrder = { Probe.titlePrecedes(Array(SearchKey.fold(song.title).utf8), song.id, element, probe) }
        switch sort {
        case .title:
            return inTitleOrder()
        case .artist, .album:
            let key = Self.folded(sort == .artist ? Self.artistKey(song) : Self.albumKey(song))
            let other = sort == .artist ? probe.artist : probe.album
            return key != other ? key.lexicographicallyPrecedes(other) : inTitleOrder()
        case .year:
            let year = song.year ?? Int.max
            return year != probe.year ? year < probe.year : inTitleOrder()
        }
    }

    /// The first position whose element does not precede the probe.
    private static func lowerBound<List: RandomAccessCollection>(_ list: List, where precedes: (List.Element) -> Bool) -> Int
    where List.Index == Int {
        var (low, high) = (list.startIndex, list.endIndex)
        while low < high {
            let middle = low + (high - low) / 2
            if precedes(list[middle]) { low = middle + 1 } else { high = middle }
        }
        return low - list.startIndex
    }

    /// Where `slot` is in `list`: by binary search, else (a list a server ordered otherwise) by a scan.
    private static func find(_ slot: Int, in list: [Int], where precedes: (Int) -> Bool) -> Int? {
        let at = lowerBound(list, where: precedes)
        if at < list.count, list[at] == slot { return at }
        return list.firstIndex(of: slot)
    }
}
