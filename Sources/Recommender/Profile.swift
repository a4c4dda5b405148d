/// One listener's taste against a model: their strongest songs, and how their listening spreads over
/// artists, genres and eras.
struct Profile {
    struct Seed {
        var song: Int32
        /// The song's weight against the listener's strongest, in (0, 1].
        var strength: Double
        var taste: SongTaste
    }

    private(set) var seeds: [Seed] = []
    /// Every song they marked or played, by catalog index.
    private(set) var marked: [(Int32, SongTaste)] = []
    private var markIndex: [Int32: SongTaste] = [:]
    /// What they heard last, newest first, with a weight that fades.
    private(set) var lastHeard: [(Int32, Double)] = []
    private(set) var artistShare: [Int32: Double] = [:]
    private(set) var genreShare: [Int32: Double] = [:]
    private(set) var eraShare: [Era: Double] = [:]
    private var recentStarts: [Int32: Double] = [:]
    private var lastSkipped: Set<Int32> = []

    static let seedCount = 60

    init(_ taste: ListenerTaste, model: RecommendationModel) {
        for (id, mark) in taste.marks {
            guard let song = model.index[id] else { continue }
            marked.append((song, mark))
            markIndex[song] = mark
        }
        marked.sort { $0.0 < $1.0 }
        let positive = marked.filter { $0.1.weight > 0 }.sorted { $0.1.weight != $1.1.weight ? $0.1.weight > $1.1.weight : $0.0 < $1.0 }
        let strongest = positive.first?.1.weight ?? 1
        seeds = positive.prefix(Self.seedCount).map { Seed(song: $0.0, strength: $0.1.weight / strongest, taste: $0.1) }
        for (song, mark) in positive {
            let weight = mark.weight
            artistShare[model.artistOf[Int(song)], default: 0] += weight
            let genre = model.genreOf[Int(song)]
            genreShare[genre, default: 0] += weight
            if let year = model.songs[Int(song)].year { eraShare[Era(genre: genre, decade: year / 10), default: 0] += weight }
        }
        Self.normalise(&artistShare)
        Self.normalise(&genreShare)
        Self.normalise(&eraShare)

        var heard: [Int32] = []
        for listen in taste.recent.reversed() {
            guard let song = model.index[listen.song] else { continue }
            if recentStarts[song] == nil {
                recentStarts[song] = listen.startedAt
                if listen.skipped { lastSkipped.insert(song) }
            }
            if !listen.skipped, heard.count < 3, !heard.contains(song) { heard.append(song) }
        }
        lastHeard = zip(heard, [1.0, 0.6, 0.4]).map { ($0, $1) }
    }

    private static func normalise<Key>(_ shares: inout [Key: Double]) {
        guard let most = shares.values.max(), most > 0 else { return }
        for key in shares.keys { shares[key]? /= most }
    }

    func marks(_ song: Int32) -> SongTaste? { markIndex[song] }

    func isOneStar(_ song: Int32) -> Bool { markIndex[song]?.rating == 1 }

    func wasPlayed(_ song: Int32) -> Bool { markIndex[song]?.wasPlayed == true || recentStarts[song] != nil }

    func playedSince(_ moment: Double, _ song: Int32) -> Bool {
        if let last = markIndex[song]?.lastPlayed, last >= moment { return true }
        if let start = recentStarts[song], start >= moment { return true }
        return false
    }

    /// Rated 1 or 2, or skipped the last time it played.
    func disliked(_ song: Int32) -> Bool {
        let rating = markIndex[song]?.rating ?? 0
        return (1...2).contains(rating) || lastSkipped.contains(song)
    }

    /// Songs the listener rated low or keeps skipping sink.
    func penalise(_ board: inout Scoreboard) {
        for (song, mark) in marked where mark.weight < 0 {
            board.subtract(song, min(1, -mark.weight / 3))
        }
        for song in lastSkipped { board.subtract(song, 0.3) }
    }

    func reason(for seed: Seed, model: RecommendationModel) -> Reason {
        reasonForMark(seed.song, seed.taste, model: model)
    }

    func reasonForMark(_ song: Int32, _ mark: SongTaste, model: RecommendationModel) -> Reason {
        let facts = model.songs[Int(song)]
        if mark.liked { return .liked(songID: facts.id, title: facts.title) }
        if mark.rating >= 4 { return .rated(songID: facts.id, title: facts.title, stars: mark.rating) }
        return .played(songID: facts.id, title: facts.title)
    }
}
