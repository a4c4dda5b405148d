#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The four lists, each a blend of signals re-ranked by the same rules: never a 1-star song, no
/// song twice, at most two songs by one artist in any ten.
///
/// Signals, strongest first: songs played together with the listener's own songs in everyone's
/// sessions (neighbours), songs played right after what they just heard (followers), then the
/// listener's artists, genres and eras (content, which is all a new song or a new listener has), and
/// popularity (a boost for similar songs and radio, a discount in For you). A listener who does not
/// share their listening gets content and their own marks only, so nobody else's history reaches their
/// lists, and theirs reaches nobody's.
extension RecommendationModel {
    public static let dayInSeconds = 86_400.0

    /// Songs the listener is likely to like and has not heard in the last 24 hours: near what they
    /// liked and played, their own favourites among them. With `discover`, only songs never played.
    public func forYou(_ taste: ListenerTaste, limit: Int, now: Double, discover: Bool = false) -> [Recommendation] {
        let profile = Profile(taste, model: self)
        var board = Scoreboard()
        let shared = taste.usesSharedSignal
        if shared {
            for seed in profile.seeds {
                for (other, similarity) in neighbours.row(seed.song) {
                    board.add(other, seed.strength * Double(similarity), profile.reason(for: seed, model: self))
                }
            }
            addFollowers(of: profile.lastHeard, weight: 2, to: &board)
        }
        addContent(profile, to: &board, shared: shared)
        // Returning to favourites is most of what listeners play (half the songs heard after the lab's
        // split were heard before it), so a favourite outranks a neighbour of one.
        if !discover {
            for seed in profile.seeds {
                board.add(seed.song, 3 * seed.strength, .favourite)
            }
        }
        if profile.seeds.isEmpty { addStarters(to: &board, shared: shared, count: limit * 3) }
        // A popularity discount, not a boost: among songs as close to the listener, the less played one
        // first, so lists differ between listeners (the lab's coverage@10 went from 25 % to 30 %).
        if shared { addPopularity(to: &board, weight: -0.3) }
        profile.penalise(&board)
        let excluded: (Int32) -> Bool = { song in
            profile.isOneStar(song) || (discover ? profile.wasPlayed(song) : profile.playedSince(now - Self.dayInSeconds, song))
        }
        return finish(board, limit: limit, tail: [], shared: shared, excluding: excluded)
    }

    /// Songs like `songID`: played with it, after it, by its artist, on its album, of its genre and era.
    public func similar(to songID: String, taste: ListenerTaste, limit: Int) throws(RecommenderError) -> [Recommendation] {
        guard let song = index[songID] else { throw .unknownSong(songID) }
        let profile = Profile(taste, model: self)
        let facts = songs[Int(song)]
        var board = Scoreboard()
        if taste.usesSharedSignal {
            for (other, similarity) in neighbours.row(song) {
                board.add(other, Double(similarity), .alsoPlayed(songID: facts.id, title: facts.title))
            }
            addFollowers(of: [(song, 1)], weight: 0.5, to: &board)
            addPopularity(to: &board, weight: 0.05)
        }
        // Metadata at half weight: evidence from listening should win over "same genre".
        addNeighbourhood(of: [song], artistWeight: 0.3, scale: 0.5, to: &board, shared: taste.usesSharedSignal)
        profile.penalise(&board)
        return finish(board, limit: limit, tail: [], shared: taste.usesSharedSignal, excluding: { $0 == song || profile.isOneStar($0) })
    }

    /// The next `limit` songs of a radio started from `seeds`, after the songs it has played so far
    /// (`station`, oldest first). A station never repeats a song. It follows what was just played, and
    /// steers by what the listener did on it: a skipped or poorly rated song pushes its neighbours and
    /// artist away, a liked one pulls its neighbours closer. A song seed is the station's first song.
    public func radio(seeds: [RadioSeed], station: [String], taste: ListenerTaste, limit: Int) throws(RecommenderError) -> [Recommendation] {
        let seed = try resolve(seeds, shared: taste.usesSharedSignal)
        let profile = Profile(taste, model: self)
        let played = station.compactMap { index[$0] }
        let playedSet = Set(played)
        let shared = taste.usesSharedSignal
        var board = Scoreboard()
        var first: [(song: Int32, score: Double, reason: Reason)] = []
        if played.isEmpty, case .song = seeds.first, let start = seed.songs.first, !profile.isOneStar(start) {
            first = [(start, .infinity, .seed)]
        }
        // What to follow: the last three station songs, one skipped or rated down at a third of its
        // weight. What people play after a song they skipped still tends to follow it (leaving such
        // songs out cost the lab's radio HR@10 0.357 → 0.339; a third costs 0.343), but a skip must
        // move the radio away, with `steer` pushing its neighbours and artist down.
        let context: [(Int32, Double)] =
            played.isEmpty
            ? seed.songs.prefix(5).map { ($0, 1.0) }
            : zip(played.suffix(3).reversed(), [1.0, 0.6, 0.4]).map { song, weight in (song, profile.disliked(song) ? weight / 3 : weight) }
        if shared {
            addFollowers(of: played.isEmpty ? context : Array(context.prefix(1)), weight: 1.0, to: &board)
            for (song, weight) in context {
                let facts = songs[Int(song)]
                for (other, similarity) in neighbours.row(song) {
                    board.add(other, 0.7 * weight * Double(similarity), .alsoPlayed(songID: facts.id, title: facts.title))
                }
            }
            for song in seed.songs.prefix(5) {
                let facts = songs[Int(song)]
                for (other, similarity) in neighbours.row(song) {
                    board.add(other, 0.5 * Double(similarity), .alsoPlayed(songID: facts.id, title: facts.title))
                }
            }
            addPopularity(to: &board, weight: 0.05)
        }
        addNeighbourhood(of: Array(seed.songs.prefix(10)), artistWeight: seed.isArtist ? 0.5 : 0.35, to: &board, shared: shared)
        for (song, mark) in profile.marked {
            board.add(song, 0.2 * max(-1, min(1, mark.weight / 5)), profile.reasonForMark(song, mark, model: self))
        }
        steer(by: played, profile: profile, shared: shared, board: &board)
        profile.penalise(&board)
        let firstSong = first.first?.song
        let rest = finish(
            board, limit: limit - first.count, tail: played + first.map(\.song), shared: shared,
            excluding: { playedSet.contains($0) || $0 == firstSong || profile.isOneStar($0) })
        return first.map { Recommendation(songID: songs[Int($0.song)].id, reason: $0.reason, score: 1) }.prefix(limit) + rest
    }

    // MARK: Signals

    private func addFollowers(of songs: [(Int32, Double)], weight: Double, to board: inout Scoreboard) {
        for (song, strength) in songs {
            let facts = self.songs[Int(song)]
            for (other, share) in followers.row(song) {
                board.add(other, weight * strength * Double(share), .after(songID: facts.id, title: facts.title))
            }
        }
    }

    /// The listener's artists, genres and eras, by how much of their listening each holds. Genres weigh
    /// little: with 300 candidates each they otherwise fill lists with the genre's best-known songs.
    private func addContent(_ profile: Profile, to board: inout Scoreboard, shared: Bool) {
        let artists = profile.artistShare.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(8)
        for (artist, share) in artists {
            for song in leading(songsByArtist[Int(artist)], 30, shared: shared) {
                board.add(song, 0.35 * share, .moreBy(artist: artistNames[Int(artist)]))
            }
        }
        let genres = profile.genreShare.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(4)
        for (genre, share) in genres {
            for song in genreCandidates(genre, shared: shared) {
                let facts = songs[Int(song)]
                let era = facts.year.map { profile.eraShare[Era(genre: genre, decade: $0 / 10)] ?? 0 } ?? 0
                board.add(song, 0.05 * share + 0.03 * era, .moreOf(genre: facts.genre, year: facts.year))
            }
        }
    }

    /// Songs on the same albums, by the same artists, and of the same genres near the same years.
    private func addNeighbourhood(of seeds: [Int32], artistWeight: Double, scale: Double = 1, to board: inout Scoreboard, shared: Bool) {
        guard !seeds.isEmpty else { return }
        let years = seeds.compactMap { songs[Int($0)].year }
        let meanYear = years.isEmpty ? nil : Double(years.reduce(0, +)) / Double(years.count)
        for album in Set(seeds.map { albumOf[Int($0)] }).sorted() {
            for song in leading(songsByAlbum[Int(album)], 30, shared: shared) {
                board.add(song, 0.15 * scale, .sameAlbum(album: songs[Int(song)].album))
            }
        }
        for artist in Set(seeds.map { artistOf[Int($0)] }).sorted() {
            for song in leading(songsByArtist[Int(artist)], 40, shared: shared) {
                board.add(song, artistWeight * scale, .moreBy(artist: artistNames[Int(artist)]))
            }
        }
        for genre in Set(seeds.map { genreOf[Int($0)] }).sorted() {
            for song in genreCandidates(genre, shared: shared) {
                let facts = songs[Int(song)]
                let closeness = switch (facts.year, meanYear) {
                case let (year?, mean?): exp(-abs(Double(year) - mean) / 6)
                default: 0.3
                }
                board.add(song, 0.3 * scale * closeness, .moreOf(genre: facts.genre, year: facts.year))
            }
        }
    }

    /// Genres most popular first, or in catalog order for a listener who does not share.
    private func genreOrder(shared: Bool) -> [Int32] {
        shared ? genresByPopularity : Array(0..<Int32(genreNames.count))
    }

    /// A genre's songs to score.
    private func genreCandidates(_ genre: Int32, shared: Bool) -> [Int32] {
        leading(songsByGenre[Int(genre)], 300, shared: shared)
    }

    /// The first `count` songs of a group (kept most popular first): its most popular when popularity
    /// may be used, else the first in the catalog, so nobody's listening chooses them for a listener
    /// who does not share theirs.
    func leading(_ members: [Int32], _ count: Int, shared: Bool) -> [Int32] {
        shared ? Array(members.prefix(count)) : Array(members.sorted().prefix(count))
    }

    /// A varied start for someone with no marks: each genre's best-liked songs in turn.
    private func addStarters(to board: inout Scoreboard, shared: Bool, count: Int) {
        for starter in fillers(count: count, shared: shared, skipping: { _ in false }) {
            board.add(starter.song, 1 / Double(starter.rank + 1) - 0.001 * Double(starter.genrePosition), starter.reason)
        }
    }

    private func addPopularity(to board: inout Scoreboard, weight: Double) {
        let most = Double(popularity.max() ?? 0)
        guard most > 0 else { return }
        let scale = log(1 + most)
        board.nudgeAll { weight * log(1 + Double(max(0, popularity[Int($0)]))) / scale }
    }

    /// What the listener did on the station so far moves the next picks.
    private func steer(by played: [Int32], profile: Profile, shared: Bool, board: inout Scoreboard) {
        for song in played {
            if profile.disliked(song) {
                for (other, similarity) in neighbours.row(song) { board.subtract(other, 0.8 * Double(similarity)) }
                for other in leading(songsByArtist[Int(artistOf[Int(song)])], 40, shared: shared) { board.subtract(other, 0.3) }
            } else if profile.marks(song)?.liked == true || (profile.marks(song)?.rating ?? 0) >= 4 {
                let facts = songs[Int(song)]
                for (other, similarity) in neighbours.row(song) {
                    board.add(other, 0.5 * Double(similarity), .liked(songID: facts.id, title: facts.title))
                }
            }
        }
    }

    /// Ranks the board and keeps the rules. When the board runs short of songs or of artists (a
    /// listener who has heard all of their genre; a long radio), the rest of the library fills in, each
    /// genre's songs in turn, so a list keeps its length without breaking the artist spread. Only when
    /// no song left in the library fits the spread (a small library near the end of a radio, one of a
    /// few artists) does the next best come anyway: a radio plays on until every song has played.
    private func finish(
        _ board: Scoreboard, limit: Int, tail: [Int32], shared: Bool, excluding excluded: (Int32) -> Bool
    ) -> [Recommendation] {
        guard limit > 0 else { return [] }
        var ranked = board.ranked(limit: max(limit * 8, 200), excluding: excluded)
        var picks = ArtistSpread().pick(ranked, after: tail, limit: limit, artistOf: artistOf)
        if picks.count < limit {
            let onBoard = Set(ranked.map(\.song))
            let lowest = ranked.last?.score ?? 0
            let extra = fillers(count: limit * 8, shared: shared) { onBoard.contains($0) || board.contains($0) || excluded($0) }
            ranked += extra.enumerated().map { position, filler in (filler.song, lowest - 1 - Double(position) * 1e-6, filler.reason) }
            picks = ArtistSpread().pick(ranked, after: tail, limit: limit, artistOf: artistOf)
        }
        if picks.count < limit {
            picks = ArtistSpread(fallback: true).pick(ranked, after: tail, limit: limit, artistOf: artistOf)
        }
        return picks.map { Recommendation(songID: songs[Int($0.song)].id, reason: $0.reason, score: $0.score) }
    }

    /// Up to `count` songs (a round more at most) that `skipped` lets through: each genre's leading songs
    /// in turn, with their rank in the genre and the genre's place in the order.
    private func fillers(
        count: Int, shared: Bool, skipping skipped: (Int32) -> Bool
    ) -> [(song: Int32, reason: Reason, rank: Int, genrePosition: Int)] {
        let genres = genreOrder(shared: shared)
        let lists = genres.map { genreCandidates($0, shared: shared) }
        var found: [(song: Int32, reason: Reason, rank: Int, genrePosition: Int)] = []
        var rank = 0
        while found.count < count, lists.contains(where: { $0.count > rank }) {
            for (position, list) in lists.enumerated() where list.count > rank && !skipped(list[rank]) {
                let genre = genreNames[Int(genres[position])]
                found.append((list[rank], shared ? .popular(genre: genre) : .variety(genre: genre), rank, position))
            }
            rank += 1
        }
        return found
    }

    // MARK: Seeds

    struct ResolvedSeed {
        var songs: [Int32]
        var isArtist: Bool
    }

    /// A seed's songs: an artist's, album's or genre's first five, chosen as `leading` chooses.
    func resolve(_ seeds: [RadioSeed], shared: Bool = true) throws(RecommenderError) -> ResolvedSeed {
        var songs: [Int32] = []
        var isArtist = false
        for seed in seeds {
            switch seed {
            case .song(let id):
                guard let song = index[id] else { throw .unknownSong(id) }
                songs.append(song)
            case .artist(let name):
                guard let artist = artistIndex[Self.key(name)] else { throw .unknownArtist(name) }
                songs += leading(songsByArtist[Int(artist)], 5, shared: shared)
                isArtist = true
            case .album(let artist, let album):
                guard let group = albumIndex[Self.albumKey(artist: artist, album: album)] else { throw .unknownAlbum(artist: artist, album: album) }
                songs += leading(songsByAlbum[Int(group)], 5, shared: shared)
            case .genre(let name):
                guard let genre = genreIndex[Self.key(name)] else { throw .unknownGenre(name) }
                songs += leading(songsByGenre[Int(genre)], 5, shared: shared)
            case .songs(let ids, _):
                songs += ids.compactMap { index[$0] }
            }
        }
        var seen = Set<Int32>()
        songs = songs.filter { seen.insert($0).inserted }
        guard !songs.isEmpty else { throw .emptySeed }
        return ResolvedSeed(songs: songs, isArtist: isArtist)
    }
}

/// A genre and a decade: "Jazz from the 1980s".
struct Era: Hashable {
    var genre: Int32
    var decade: Int
}
