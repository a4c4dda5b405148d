public import LibraryModel
public import PlayerCore

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
/// the songs arrive: a keypress then only walks what is on screen.
public struct Library: Sendable, Equatable {
    public struct GenreEntry: Sendable, Equatable {
        public var name: String
        /// Indexes into `songs`, in title order.
        public var songs: [Int]
    }

    public struct AlbumEntry: Sendable, Equatable {
        public var name: String
        public var songs: [Int]
    }

    public struct ArtistEntry: Sendable, Equatable {
        public var name: String
        public var albums: [AlbumEntry]
    }

    /// In title order, as the API lists them. Only marks change in place (`setMarks`): nothing an index
    /// is built from.
    public private(set) var songs: [LibrarySong]
    /// Song id → index into `songs`, so a mark or a playlist entry finds its song without a scan. Int32
    /// keeps a million songs' table small.
    private let indexByID: [String: Int32]
    /// Genres as the API lists them (by id), with their songs.
    public let genres: [GenreEntry]
    /// Artists by name, each with albums by name.
    public let artists: [ArtistEntry]
    /// Every song's title, artist and album, lowercased, one after another, for search as you type;
    /// song `i`'s text is `searchText[searchStarts[i]..<searchStarts[i + 1]]`. One buffer instead of an
    /// array per song saves ~50 bytes a song.
    private let searchText: [UInt8]
    private let searchStarts: [Int32]
    /// Song indexes in each order, built once.
    private let orders: [SongSort: [Int]]

    public init(songs: [LibrarySong], genres: [Genre]) {
        self.init(songs: songs, genreNames: genres.map(\.genre))
    }

    public init(songs: [LibrarySong], genreNames: [String]) {
        self.songs = songs
        var indexByID: [String: Int32] = [:]
        indexByID.reserveCapacity(songs.count)
        // A duplicate id (a misbehaving server) keeps its first song rather than trapping.
        for (index, song) in songs.enumerated() where indexByID[song.id] == nil { indexByID[song.id] = Int32(clamping: index) }
        self.indexByID = indexByID
        var byGenre: [String: [Int]] = [:]
        var byArtist: [String: [String: [Int]]] = [:]
        for (index, song) in songs.enumerated() {
            byGenre[song.genre, default: []].append(index)
            byArtist[song.artist, default: [:]][song.album, default: []].append(index)
        }
        let listed = Set(genreNames)
        genres = genreNames.map { GenreEntry(name: $0, songs: byGenre[$0] ?? []) }
            + byGenre.keys.filter { !listed.contains($0) }.sorted().map { GenreEntry(name: $0, songs: byGenre[$0] ?? []) }
        artists = byArtist.map { artist, albums in
            ArtistEntry(name: artist, albums: albums.map { AlbumEntry(name: $0.key, songs: $0.value) }.sorted { Self.precedes($0.name, $1.name) })
        }.sorted { Self.precedes($0.name, $1.name) }
        var text: [UInt8] = []
        var starts: [Int32] = [0]
        starts.reserveCapacity(songs.count + 1)
        for song in songs {
            text += "\(song.title)\n\(song.artist)\n\(song.album)".lowercased().utf8
            starts.append(Int32(clamping: text.count))
        }
        searchText = text
        searchStarts = starts

        func order(by key: (LibrarySong) -> String) -> [Int] {
            let keys = songs.map { Self.folded(key($0)) }
            return songs.indices.sorted { keys[$0] != keys[$1] ? keys[$0].lexicographicallyPrecedes(keys[$1]) : $0 < $1 }
        }
        orders = [
            .title: Array(songs.indices),
            .artist: order { "\($0.artist)\u{1}\($0.album)" },
            .album: order { "\($0.album)\u{1}\($0.artist)" },
            .year: songs.indices.sorted { (songs[$0].year ?? Int.max, $0) < (songs[$1].year ?? Int.max, $1) },
        ]
    }

    public static let empty = Library(songs: [], genreNames: [])

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

    /// Songs whose title, artist or album contain every word of `query`, any case, in title order.
    /// Narrowing a query only searches the previous results (`within`).
    public func search(_ query: String, within candidates: [Int]? = nil) -> [Int] {
        let words = query.lowercased().split(separator: " ").map { Array($0.utf8) }
        guard !words.isEmpty else { return order(.title) }
        let candidates = candidates ?? order(.title)
        var found: [Int] = []
        found.reserveCapacity(candidates.count)
        // A plain byte scan on raw pointers: a song's text is a few dozen bytes, too short for
        // memmem's set-up to pay, and typing into a search over 100,000 songs must fit in a frame.
        searchText.withUnsafeBufferPointer { text in
            searchStarts.withUnsafeBufferPointer { starts in
                for index in candidates {
                    let song = UnsafeBufferPointer(rebasing: text[Int(starts[index])..<Int(starts[index + 1])])
                    if words.allSatisfy({ word in word.withUnsafeBufferPointer { Self.contains(song, $0) } }) {
                        found.append(index)
                    }
                }
            }
        }
        // Nothing filtered out: share the candidates' storage rather than keep a copy (Backspace keeps
        // every step's results).
        return found.count == candidates.count ? candidates : found
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= haystack.count else { return false }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    /// Case-folded bytes, so sorting compares bytes instead of Unicode-collating strings.
    private static func folded(_ text: String) -> [UInt8] { Array(text.lowercased().utf8) }

    private static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        folded(lhs).lexicographicallyPrecedes(folded(rhs))
    }
}
