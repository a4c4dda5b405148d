import Recommender
import RecommenderLab
import Testing

/// A tiny library built by hand: `genres` genres, each with `artists` artists of `songs` songs, ids
/// "g1a2s3". Every listener plays through one genre's songs in sessions, so songs of a genre are
/// neighbours and followers of one another.
struct TinyWorld {
    var songs: [SongFacts] = []
    let genres: Int
    let artists: Int
    let perArtist: Int

    init(genres: Int = 6, artists: Int = 4, songs perArtist: Int = 6) {
        self.genres = genres
        self.artists = artists
        self.perArtist = perArtist
        for genre in 1...genres {
            for artist in 1...artists {
                for song in 1...perArtist {
                    songs.append(SongFacts(
                        id: Self.id(genre, artist, song), title: "Song \(genre)-\(artist)-\(song)", artist: "Artist \(genre)-\(artist)",
                        album: "Album \(genre)-\(artist)", genre: "Genre \(genre)", year: 1970 + 5 * genre, duration: 200))
                }
            }
        }
    }

    static func id(_ genre: Int, _ artist: Int, _ song: Int) -> String { "g\(genre)a\(artist)s\(song)" }

    func genreSongs(_ genre: Int) -> [String] {
        songs.filter { $0.genre == "Genre \(genre)" }.map(\.id)
    }

    /// Sessions of one genre's songs in a shuffled order, one listener per genre and round.
    func listens(listeners: Int = 12, sessions: Int = 6, seed: UInt64 = 1, except skipped: String? = nil) -> [Listen] {
        var random = SeededGenerator(seed: seed)
        var listens: [Listen] = []
        for listener in 0..<listeners {
            let genre = listener % genres + 1
            var clock = 1_000_000.0 + Double(listener) * 10_000_000
            for _ in 0..<sessions {
                var order = genreSongs(genre)
                random.shuffle(&order)
                for song in order.prefix(12) {
                    listens.append(Listen(listener: "L\(listener)", song: song, startedAt: clock, played: 200, counted: true, skipped: false))
                    clock += 205
                }
                clock += 86_400
            }
        }
        return listens
    }

    func model(_ listens: [Listen], appeal: [String: SongAppeal] = [:]) -> RecommendationModel {
        var builder = ModelBuilder(songs: songs)
        for listen in listens { builder.add(listen) }
        for (song, value) in appeal.sorted(by: { $0.key < $1.key }) { builder.setAppeal(value, songID: song) }
        return builder.build()
    }

    func artist(of song: String) -> String { songs.first { $0.id == song }?.artist ?? "" }
    func genre(of song: String) -> String { songs.first { $0.id == song }?.genre ?? "" }

    /// Most songs by one artist in any `window` consecutive entries of `list` (after `tail`).
    func worstSpread(_ list: [String], after tail: [String] = [], window: Int = 10) -> Int {
        let artists = (tail + list).map(artist(of:))
        var worst = 0
        for position in tail.count..<artists.count {
            let slice = artists[max(0, position - window + 1)...position]
            worst = max(worst, slice.filter { $0 == artists[position] }.count)
        }
        return worst
    }
}

@Suite("The rules every list keeps")
struct RecommenderRulesTests {
    let world = TinyWorld()
    let now = 50_000_000_000.0

    /// A listener of genre 1 who played most of it, the first artist's songs the most.
    func genreOneFan(now: Double) -> ListenerTaste {
        var marks: [String: SongTaste] = [:]
        for (number, song) in world.genreSongs(1).enumerated() {
            marks[song] = SongTaste(liked: number % 3 == 0, plays: number < 6 ? 8 : 2, lastPlayed: now - 3 * 86_400)
        }
        return ListenerTaste(marks: marks, recent: [])
    }

    func ids(_ list: [Recommendation]) -> [String] { list.map(\.songID) }

    @Test("a 1-star song never appears, however close it is")
    func oneStarNever() throws {
        let model = world.model(world.listens())
        var taste = genreOneFan(now: now)
        let banned = TinyWorld.id(1, 1, 1)
        taste.marks[banned] = SongTaste(rating: 1, plays: 20, lastPlayed: now - 5 * 86_400)
        for discover in [false, true] {
            #expect(!ids(model.forYou(taste, limit: 30, now: now, discover: discover)).contains(banned))
        }
        #expect(!ids(try model.similar(to: TinyWorld.id(1, 1, 2), taste: taste, limit: 30)).contains(banned))
        #expect(!ids(try model.radio(seeds: [.song(banned)], station: [], taste: taste, limit: 30)).contains(banned))
        #expect(!ids(try model.radio(seeds: [.artist("Artist 1-1")], station: [], taste: taste, limit: 30)).contains(banned))
    }

    @Test("For you leaves out what the listener played in the last 24 hours")
    func forYouSkipsLastDay() {
        let model = world.model(world.listens())
        var taste = genreOneFan(now: now)
        let yesterday = TinyWorld.id(1, 1, 1), lastWeek = TinyWorld.id(1, 1, 2), justNow = TinyWorld.id(1, 2, 1)
        taste.marks[yesterday] = SongTaste(liked: true, plays: 30, lastPlayed: now - 86_000)
        taste.marks[lastWeek] = SongTaste(liked: true, plays: 30, lastPlayed: now - 7 * 86_400)
        taste.recent = [Listen(listener: "me", song: justNow, startedAt: now - 600, played: 200, counted: true, skipped: false)]
        let list = ids(model.forYou(taste, limit: 10, now: now))
        #expect(!list.contains(yesterday))
        #expect(!list.contains(justNow))
        #expect(list.contains(lastWeek), "a favourite from last week may come back")
    }

    @Test("Discover holds only songs the listener never played, skips included")
    func discoverOnlyNew() {
        let model = world.model(world.listens())
        var taste = genreOneFan(now: now)
        taste.marks[TinyWorld.id(2, 1, 1)] = SongTaste(skips: 1, lastPlayed: now - 30 * 86_400)
        taste.recent = [Listen(listener: "me", song: TinyWorld.id(2, 1, 2), startedAt: now - 100, played: 5, counted: false, skipped: true)]
        let list = ids(model.forYou(taste, limit: 40, now: now, discover: true))
        #expect(!list.isEmpty)
        for song in list {
            #expect(taste.marks[song] == nil && !taste.recent.contains { $0.song == song }, "\(song) was played")
        }
    }

    @Test("no artist has more than 2 songs in any 10, and no song comes twice")
    func spreadAndDuplicates() throws {
        let model = world.model(world.listens())
        // A listener who plays almost nothing but one artist.
        var taste = ListenerTaste(marks: [:], recent: [])
        for song in 1...6 { taste.marks[TinyWorld.id(1, 1, song)] = SongTaste(liked: true, plays: 40, lastPlayed: now - 9 * 86_400) }
        let station = [TinyWorld.id(1, 1, 1), TinyWorld.id(1, 1, 2)]
        let lists = [
            ids(model.forYou(taste, limit: 30, now: now)),
            ids(model.forYou(taste, limit: 30, now: now, discover: true)),
            ids(try model.similar(to: TinyWorld.id(1, 1, 3), taste: taste, limit: 30)),
            ids(try model.radio(seeds: [.artist("Artist 1-1")], station: [], taste: taste, limit: 30)),
        ]
        for list in lists {
            #expect(list.count >= 10)
            #expect(world.worstSpread(list) <= 2)
            #expect(Set(list).count == list.count)
        }
        let radio = ids(try model.radio(seeds: [.song(station[0])], station: station, taste: taste, limit: 30))
        #expect(world.worstSpread(radio, after: station) <= 2, "the station's own songs count towards the spread")
        #expect(Set(radio).count == radio.count)
    }

    @Test("a listener who does not share: others' plays and likes do not change their lists")
    func privateListenerIsolated() throws {
        var taste = genreOneFan(now: now)
        taste.usesSharedSignal = false
        let before = world.model(world.listens(seed: 1), appeal: [TinyWorld.id(1, 3, 3): SongAppeal(likes: 1)])
        let after = world.model(world.listens(listeners: 20, sessions: 9, seed: 99), appeal: [TinyWorld.id(1, 4, 4): SongAppeal(likes: 9, goodRatings: 4)])
        #expect(ids(before.forYou(taste, limit: 10, now: now)) == ids(after.forYou(taste, limit: 10, now: now)))
        #expect(ids(before.forYou(taste, limit: 10, now: now, discover: true)) == ids(after.forYou(taste, limit: 10, now: now, discover: true)))
        #expect(try ids(before.similar(to: TinyWorld.id(1, 1, 1), taste: taste, limit: 10)) == ids(after.similar(to: TinyWorld.id(1, 1, 1), taste: taste, limit: 10)))
        #expect(try ids(before.radio(seeds: [.genre("Genre 2")], station: [], taste: taste, limit: 10))
            == ids(after.radio(seeds: [.genre("Genre 2")], station: [], taste: taste, limit: 10)))
    }

    @Test("a private listener's marks, kept out of the model, do not change a sharing listener's list")
    func privateMarksStayPrivate() {
        let sharing = genreOneFan(now: now)
        let others = world.listens()
        // The private listener's plays are never added; their likes never reach the appeal.
        var privatePlays: [Listen] = []
        for (number, song) in world.genreSongs(1).enumerated() {
            privatePlays.append(Listen(listener: "private", song: song, startedAt: 9e9 + Double(number) * 205, played: 200, counted: true, skipped: false))
        }
        func modelExcludingPrivate(_ all: [Listen]) -> RecommendationModel {
            world.model(all.filter { $0.listener != "private" })
        }
        let without = modelExcludingPrivate(others)
        let with = modelExcludingPrivate(others + privatePlays)
        #expect(ids(without.forYou(sharing, limit: 10, now: now)) == ids(with.forYou(sharing, limit: 10, now: now)))
        // And the check can tell: the same plays, shared, do change the model.
        let shared = world.model(others + privatePlays.map { var listen = $0; listen.listener = "L999"; return listen })
        #expect(shared.plays != without.plays)
    }

    @Test("a newcomer gets a varied start across genres")
    func newcomerVaried() {
        let model = world.model(world.listens())
        let list = ids(model.forYou(.newcomer, limit: 10, now: now))
        #expect(list.count == 10)
        #expect(Set(list.map(world.genre(of:))).count >= 5)
        var hidden = ListenerTaste.newcomer
        hidden.usesSharedSignal = false
        #expect(Set(ids(model.forYou(hidden, limit: 10, now: now)).map(world.genre(of:))).count >= 5)
    }

    @Test("a radio never repeats a song of its station, over a long run")
    func radioNeverRepeats() throws {
        let model = world.model(world.listens())
        let taste = genreOneFan(now: now)
        var station: [String] = []
        for _ in 0..<40 {
            let next = ids(try model.radio(seeds: [.song(TinyWorld.id(1, 1, 1))], station: station, taste: taste, limit: 3))
            #expect(!next.isEmpty)
            for song in next { #expect(!station.contains(song), "\(song) played again") }
            station += next.prefix(1)
        }
        #expect(Set(station).count == station.count)
    }

    @Test("a skip or a 1-star on the station moves the next picks away from that song's artist")
    func stationSteersAway() throws {
        let model = world.model(world.listens())
        let first = TinyWorld.id(1, 1, 1), disliked = TinyWorld.id(1, 2, 1)
        let station = [first, disliked]
        let heard = Listen(listener: "me", song: first, startedAt: now - 400, played: 200, counted: true, skipped: false)
        let liked = ListenerTaste(marks: [:], recent: [heard, Listen(listener: "me", song: disliked, startedAt: now - 200, played: 200, counted: true, skipped: false)])
        let skipped = ListenerTaste(marks: [:], recent: [heard, Listen(listener: "me", song: disliked, startedAt: now - 200, played: 6, counted: false, skipped: true)])
        var oneStar = liked
        oneStar.marks[disliked] = SongTaste(rating: 1, plays: 1, lastPlayed: now - 200)
        func byArtist(_ taste: ListenerTaste) throws -> Int {
            try model.radio(seeds: [.song(first)], station: station, taste: taste, limit: 20).filter { world.artist(of: $0.songID) == "Artist 1-2" }.count
        }
        func rank(_ taste: ListenerTaste) throws -> Double {
            let list = try model.radio(seeds: [.song(first)], station: station, taste: taste, limit: 60).map(\.songID)
            let positions = list.enumerated().filter { world.artist(of: $0.element) == "Artist 1-2" }.map { Double($0.offset) }
            return positions.isEmpty ? 60 : positions.reduce(0, +) / Double(positions.count)
        }
        #expect(try byArtist(skipped) <= byArtist(liked))
        #expect(try rank(skipped) > rank(liked), "a skip sends the artist's songs down")
        #expect(try rank(oneStar) > rank(liked), "so does a 1-star rating")
    }

    @Test("an unknown seed is an error, not an empty list")
    func unknownSeed() {
        let model = world.model(world.listens())
        #expect(throws: RecommenderError.unknownSong("nope")) { try model.radio(seeds: [.song("nope")], station: [], taste: .newcomer, limit: 5) }
        #expect(throws: RecommenderError.unknownArtist("Nobody")) { try model.radio(seeds: [.artist("Nobody")], station: [], taste: .newcomer, limit: 5) }
        #expect(throws: RecommenderError.unknownGenre("Polka")) { try model.radio(seeds: [.genre("Polka")], station: [], taste: .newcomer, limit: 5) }
        #expect(throws: RecommenderError.emptySeed) { try model.radio(seeds: [.songs([], label: "empty")], station: [], taste: .newcomer, limit: 5) }
        #expect(throws: RecommenderError.unknownSong("nope")) { try model.similar(to: "nope", taste: .newcomer, limit: 5) }
    }
}
