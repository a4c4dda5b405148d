#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
public import Recommender

/// How big a world to simulate, and from which seed.
public struct SimulationSettings: Sendable, Hashable {
    public var seed: UInt64
    public var songs: Int
    public var listeners: Int
    public var plays: Int
    /// When the first listener starts (2024-01-01 UTC).
    public var start: Double = 1_704_067_200

    public init(seed: UInt64 = 1, songs: Int = 10_000, listeners: Int = 500, plays: Int = 200_000) {
        self.seed = seed
        self.songs = songs
        self.listeners = listeners
        self.plays = plays
    }
}

/// A like or a rating, when it was made: the catalog keeps the time, so a split can tell what the
/// recommender could have known.
public struct MarkEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case like
        case rating(Int)
    }

    public var listener: String
    public var song: String
    public var at: Double
    public var kind: Kind

    public init(listener: String, song: String, at: Double, kind: Kind) {
        self.listener = listener
        self.song = song
        self.at = at
        self.kind = kind
    }
}

/// A simulated library and everyone's listening in it.
public struct Simulation: Sendable {
    public var settings: SimulationSettings
    public var songs: [SongFacts]
    public var listeners: [String]
    /// In order of listener, then time.
    public var listens: [Listen]
    /// In order of listener, then time.
    public var marks: [MarkEvent]
}

/// A seeded world of songs and listeners, built to behave like real listening rather than like what
/// the recommender looks for: genres with eras, artists mostly in one genre, albums, songs whose
/// popularity follows a long tail; listeners whose tastes mix a few genres, some favourite artists and an
/// era, who listen in sessions that stay in one genre, run through albums, drift from song to song along
/// hidden "natural successors", come back to favourites, skip what they do not care for, and now and then
/// like or rate a song. Nothing here reads the recommender's signals.
public enum Simulator {
    public static func run(_ settings: SimulationSettings) -> Simulation {
        let catalog = Catalog(settings)
        var listens: [Listen] = []
        listens.reserveCapacity(settings.plays)
        var marks: [MarkEvent] = []
        var listenerIDs: [String] = []
        var activityRandom = SeededGenerator(seed: settings.seed, stream: 2)
        let activity = (0..<max(1, settings.listeners)).map { _ in exp(0.9 * activityRandom.normal()) }
        let totalActivity = activity.reduce(0, +)
        let minimum = min(20, settings.plays / max(1, settings.listeners))
        var budgets = activity.map { max(minimum, Int(Double(settings.plays) * $0 / totalActivity)) }
        // Hand out what rounding left over (or take back what the minimum added), heaviest listeners first.
        var difference = settings.plays - budgets.reduce(0, +)
        let heaviest = budgets.indices.sorted { budgets[$0] != budgets[$1] ? budgets[$0] > budgets[$1] : $0 < $1 }
        var turn = 0
        while difference != 0, !heaviest.isEmpty {
            let listener = heaviest[turn % heaviest.count]
            if difference > 0 {
                budgets[listener] += 1
                difference -= 1
            } else if budgets[listener] > minimum {
                budgets[listener] -= 1
                difference += 1
            }
            turn += 1
            if turn > 10 * settings.plays + heaviest.count { break }
        }
        for (number, budget) in budgets.enumerated() {
            let id = "u" + padded(number + 1, 4)
            listenerIDs.append(id)
            var listener = SimulatedListener(id: id, number: number, catalog: catalog, settings: settings)
            listener.listen(plays: budget, into: &listens, marks: &marks)
        }
        return Simulation(settings: settings, songs: catalog.facts, listeners: listenerIDs, listens: listens, marks: marks)
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A genre's place in the world: when it was at its height, how long its songs run, how big it is.
private struct GenreShape {
    var name: String
    var eraCentre: Double
    var eraSpread: Double
    var meanDuration: Double
    var weight: Double
}

/// Neighbouring entries are related genres, which listeners tend to mix and artists cross into.
private let genreShapes: [GenreShape] = [
    GenreShape(name: "Blues", eraCentre: 1966, eraSpread: 10, meanDuration: 250, weight: 0.6),
    GenreShape(name: "Soul", eraCentre: 1970, eraSpread: 9, meanDuration: 215, weight: 0.8),
    GenreShape(name: "Funk", eraCentre: 1976, eraSpread: 10, meanDuration: 270, weight: 0.6),
    GenreShape(name: "Jazz", eraCentre: 1968, eraSpread: 14, meanDuration: 330, weight: 1.0),
    GenreShape(name: "Classical", eraCentre: 1990, eraSpread: 18, meanDuration: 380, weight: 0.8),
    GenreShape(name: "Ambient", eraCentre: 2005, eraSpread: 12, meanDuration: 360, weight: 0.5),
    GenreShape(name: "Electronic", eraCentre: 2008, eraSpread: 10, meanDuration: 300, weight: 1.3),
    GenreShape(name: "Hip-Hop", eraCentre: 2005, eraSpread: 11, meanDuration: 225, weight: 1.5),
    GenreShape(name: "R&B", eraCentre: 2003, eraSpread: 12, meanDuration: 220, weight: 1.0),
    GenreShape(name: "Pop", eraCentre: 2008, eraSpread: 14, meanDuration: 205, weight: 2.0),
    GenreShape(name: "Indie", eraCentre: 2010, eraSpread: 8, meanDuration: 225, weight: 1.1),
    GenreShape(name: "Rock", eraCentre: 1982, eraSpread: 14, meanDuration: 245, weight: 1.8),
    GenreShape(name: "Punk", eraCentre: 1984, eraSpread: 13, meanDuration: 150, weight: 0.6),
    GenreShape(name: "Metal", eraCentre: 1995, eraSpread: 13, meanDuration: 290, weight: 0.9),
    GenreShape(name: "Folk", eraCentre: 1985, eraSpread: 18, meanDuration: 235, weight: 0.7),
    GenreShape(name: "Country", eraCentre: 1995, eraSpread: 16, meanDuration: 210, weight: 0.9),
    GenreShape(name: "Reggae", eraCentre: 1982, eraSpread: 12, meanDuration: 240, weight: 0.5),
    GenreShape(name: "Latin", eraCentre: 2005, eraSpread: 14, meanDuration: 230, weight: 0.8),
]

/// The simulated catalog and the hidden facts listeners act on: each song's appeal and successors.
private final class Catalog: Sendable {
    let facts: [SongFacts]
    let genre: [Int]
    let artist: [Int]
    let album: [Int]
    let year: [Int]
    /// How widely liked a song is, before anyone's taste: artist × album × track.
    let appeal: [Double]
    /// Each album's songs in track order.
    let albumSongs: [[Int]]
    let trackNumber: [Int]
    let genreSongs: [[Int]]
    let genreWeights: [Double]
    let artistGenre: [Int]
    let artistAppeal: [Double]
    /// What a listener tends to put on after each song when they drift on: a few songs of its genre
    /// and time, fixed for the world (the "natural successors"), most likely first.
    let successors: [[Int]]

    init(_ settings: SimulationSettings) {
        var random = SeededGenerator(seed: settings.seed, stream: 1)
        let songCount = max(1, settings.songs)
        let genreCount = genreShapes.count
        let genreWeights = genreShapes.map { $0.weight * exp(0.3 * random.normal()) }
        var cumulativeGenres: [Double] = []
        var running = 0.0
        for weight in genreWeights {
            running += weight
            cumulativeGenres.append(running)
        }
        let artistCount = max(genreCount * 2, songCount * 2 / 25)
        var artistGenre: [Int] = []
        var artistSecond: [Int?] = []
        var artistAppeal: [Double] = []
        var artistStart: [Int] = []
        for number in 0..<artistCount {
            let genre = number < genreCount * 2 ? number % genreCount : random.pick(cumulative: cumulativeGenres)
            artistGenre.append(genre)
            artistSecond.append(random.chance(0.25) ? (genre + (random.chance(0.5) ? 1 : genreCount - 1)) % genreCount : nil)
            artistAppeal.append(exp(1.1 * random.normal()))
            let shape = genreShapes[genre]
            artistStart.append(min(2022, max(1960, Int(shape.eraCentre + shape.eraSpread * random.normal()))))
        }

        // Every artist gets an album, then more go to the better-known ones until the catalog is full.
        var albumArtist: [Int] = []
        var order = Array(0..<artistCount)
        random.shuffle(&order)
        var cumulativeArtists: [Double] = []
        running = 0
        for appeal in artistAppeal {
            running += appeal.squareRoot()
            cumulativeArtists.append(running)
        }
        var planned = 0
        var albumSizes: [Int] = []
        while planned < songCount {
            let artist = albumArtist.count < artistCount ? order[albumArtist.count] : random.pick(cumulative: cumulativeArtists)
            let size = min(random.int(in: 8...14), songCount - planned)
            albumArtist.append(artist)
            albumSizes.append(size)
            planned += size
        }

        var facts: [SongFacts] = []
        var genre: [Int] = [], artist: [Int] = [], album: [Int] = [], year: [Int] = [], appeal: [Double] = []
        var trackNumber: [Int] = []
        var albumSongs: [[Int]] = []
        var albumsSoFar = [Int](repeating: 0, count: artistCount)
        facts.reserveCapacity(songCount)
        for (number, owner) in albumArtist.enumerated() {
            let albumGenre = artistSecond[owner].flatMap { random.chance(0.15) ? $0 : nil } ?? artistGenre[owner]
            let albumYear = min(2024, artistStart[owner] + albumsSoFar[owner] * random.int(in: 1...4) + random.int(in: 0...2))
            albumsSoFar[owner] += 1
            let albumFactor = exp(0.6 * random.normal())
            let shape = genreShapes[albumGenre]
            var songs: [Int] = []
            for track in 0..<albumSizes[number] {
                let song = facts.count
                songs.append(song)
                let duration = min(420, max(120, shape.meanDuration + 45 * random.normal()))
                let trackFactor = exp(0.5 * random.normal()) * (track < 3 ? 1.6 : 1)
                facts.append(SongFacts(
                    id: "s" + Simulator.padded(song + 1, 5), title: "Song \(song + 1)",
                    artist: "Artist \(owner + 1)", album: "Album \(number + 1)", genre: shape.name,
                    year: albumYear, duration: duration.rounded()))
                genre.append(albumGenre)
                artist.append(owner)
                album.append(number)
                year.append(albumYear)
                appeal.append(artistAppeal[owner] * albumFactor * trackFactor)
                trackNumber.append(track)
            }
            albumSongs.append(songs)
        }
        var genreSongs = [[Int]](repeating: [], count: genreCount)
        for song in facts.indices { genreSongs[genre[song]].append(song) }

        var successors: [[Int]] = []
        successors.reserveCapacity(songCount)
        let genreCumulative = genreSongs.map { songs in
            var total = 0.0
            return songs.map { song in
                total += appeal[song]
                return total
            }
        }
        for song in facts.indices {
            let pool = genreSongs[genre[song]]
            var candidates: [(song: Int, score: Double)] = []
            for _ in 0..<8 where pool.count > 1 {
                let other = pool[random.pick(cumulative: genreCumulative[genre[song]])]
                guard other != song, album[other] != album[song], !candidates.contains(where: { $0.song == other }) else { continue }
                candidates.append((other, -abs(Double(year[other] - year[song])) / 8 + 0.5 * random.normal()))
            }
            candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.song < $1.song }
            successors.append(candidates.prefix(3).map(\.song))
        }

        self.facts = facts
        self.genre = genre
        self.artist = artist
        self.album = album
        self.year = year
        self.appeal = appeal
        self.albumSongs = albumSongs
        self.trackNumber = trackNumber
        self.genreSongs = genreSongs
        // A small catalog may leave a genre without songs; nobody listens to one.
        self.genreWeights = genreWeights.enumerated().map { genreSongs[$0.offset].isEmpty ? 0 : $0.element }
        self.artistGenre = artistGenre
        self.artistAppeal = artistAppeal
        self.successors = successors
    }

    func nextTrack(after song: Int) -> Int? {
        let songs = albumSongs[album[song]]
        let track = trackNumber[song] + 1
        return track < songs.count ? songs[track] : nil
    }
}

/// One listener's hidden taste and their listening history as it unfolds.
private struct SimulatedListener {
    let id: String
    let number: Int
    let catalog: Catalog
    let settings: SimulationSettings
    var random: SeededGenerator
    /// Their genres and how much of their listening each gets.
    var genres: [Int] = []
    var genreMix: [Double] = []
    var eraCentre = 1990.0
    var eraWidth = 10.0
    var eraStrength = 1.0
    var favouriteArtists: [Int: Double] = [:]
    /// For each genre they listen to: cumulative draw weights over the genre's songs.
    var tables: [Int: [Double]] = [:]
    var likeThreshold = 0.0
    var loveThreshold = 0.0
    var dislikeThreshold = 0.0
    var skipPivot = 0.0
    // History.
    var completions: [Int: Int] = [:]
    /// Songs they heard through twice, or loved at once: what they come back to.
    var favourites: [Int] = []
    var favouriteSet: Set<Int> = []
    var liked: Set<Int> = []
    var rated: Set<Int> = []

    init(id: String, number: Int, catalog: Catalog, settings: SimulationSettings) {
        self.id = id
        self.number = number
        self.catalog = catalog
        self.settings = settings
        random = SeededGenerator(seed: settings.seed, stream: 1000 + UInt64(number))
        let weights = catalog.genreWeights
        let count = min(random.int(in: 2...4), weights.filter { $0 > 0 }.count)
        while genres.count < count {
            let candidate: Int
            if let anchor = genres.last, random.chance(0.5) {
                candidate = (anchor + (random.chance(0.5) ? 1 : weights.count - 1)) % weights.count
            } else {
                candidate = random.pick(weights: weights)
            }
            if weights[candidate] > 0, !genres.contains(candidate) { genres.append(candidate) }
        }
        // Dirichlet(1) weights, sharpened so most listeners have a main genre.
        let raw = genres.map { _ in pow(random.exponential(mean: 1), 1.5) }
        let total = raw.reduce(0, +)
        genreMix = raw.map { $0 / total }
        eraCentre = random.uniform(1965, 2020)
        eraWidth = random.uniform(7, 20)
        eraStrength = random.uniform(0.4, 1.2)
        let candidates = catalog.artistGenre.indices.filter { genres.contains(catalog.artistGenre[$0]) }
        let artistWeights = candidates.map { catalog.artistAppeal[$0] }
        for _ in 0..<random.int(in: 3...10) where !candidates.isEmpty {
            favouriteArtists[candidates[random.pick(weights: artistWeights)]] = random.uniform(0.8, 1.8)
        }
        var affinities: [Double] = []
        for genre in genres {
            tables[genre] = table(genre)
            affinities += catalog.genreSongs[genre].map(affinity)
        }
        affinities.sort()
        func percentile(_ share: Double) -> Double {
            affinities.isEmpty ? 0 : affinities[min(affinities.count - 1, Int(share * Double(affinities.count)))]
        }
        likeThreshold = percentile(0.95)
        loveThreshold = percentile(0.985)
        dislikeThreshold = percentile(0.12)
        skipPivot = percentile(0.4)
    }

    /// How much this listener likes a song: their era, their artists, their genres, and a
    /// personal, fixed bit of taste per song that nobody else shares.
    func affinity(_ song: Int) -> Double {
        var noise = SeededGenerator(seed: settings.seed ^ 0x5EED, stream: UInt64(number) << 24 | UInt64(song))
        let distance = (Double(catalog.year[song]) - eraCentre) / eraWidth
        var value = max(-3, -0.5 * eraStrength * distance * distance) + 0.8 * noise.normal()
        value += favouriteArtists[catalog.artist[song]] ?? 0
        if !genres.contains(catalog.genre[song]) { value -= 0.8 }
        return value
    }

    func table(_ genre: Int) -> [Double] {
        var total = 0.0
        return catalog.genreSongs[genre].map { song in
            total += pow(catalog.appeal[song], 0.7) * exp(affinity(song))
            return total
        }
    }

    mutating func draw(from genre: Int) -> Int {
        let songs = catalog.genreSongs[genre]
        guard !songs.isEmpty else { return random.int(below: catalog.facts.count) }
        if tables[genre] == nil { tables[genre] = table(genre) }
        return songs[random.pick(cumulative: tables[genre] ?? [])]
    }

    /// A song they already know and like, of this genre if they have one.
    mutating func revisit(in genre: Int) -> Int? {
        let known = favourites.filter { catalog.genre[$0] == genre }
        guard !known.isEmpty else { return nil }
        let weights = known.map { Double(completions[$0] ?? 0) + (liked.contains($0) ? 3 : 0) }
        return known[random.pick(weights: weights)]
    }

    mutating func listen(plays budget: Int, into listens: inout [Listen], marks: inout [MarkEvent]) {
        let day = 86_400.0
        var clock = settings.start + random.uniform(0, 30 * day)
        let sessions = max(1.0, Double(budget) / 11)
        let meanGap = 150 * day / sessions
        var produced = 0
        while produced < budget {
            let genre: Int
            if random.chance(0.06) {
                genre = random.pick(weights: catalog.genreWeights)
            } else {
                genre = genres[random.pick(weights: genreMix)]
            }
            let length = min(50, 1 + Int(random.exponential(mean: 10)))
            var inSession: Set<Int> = []
            var current: Int?
            var albumRun = false
            for _ in 0..<length where produced < budget {
                var song = choose(after: current, genre: genre, albumRun: &albumRun)
                var tries = 0
                while inSession.contains(song), tries < 5 {
                    song = draw(from: genre)
                    albumRun = false
                    tries += 1
                }
                inSession.insert(song)
                let (listen, ended) = play(song, at: clock, revisit: completions[song] ?? 0 > 0, marks: &marks)
                listens.append(listen)
                produced += 1
                clock = listen.startedAt + listen.played + random.uniform(0, 4)
                current = song
                if ended { break }
            }
            clock += 1_800 + random.exponential(mean: meanGap)
        }
    }

    /// The next song: on through the album, on to a natural successor, back to a favourite, or
    /// something new of the session's genre.
    mutating func choose(after current: Int?, genre: Int, albumRun: inout Bool) -> Int {
        guard let current else {
            let roll = random.uniform()
            if roll < 0.35, let known = revisit(in: genre) { return known }
            let song = draw(from: genre)
            if roll < 0.45, let first = catalog.albumSongs[catalog.album[song]].first {
                albumRun = true
                return first
            }
            return song
        }
        if albumRun, random.chance(0.75), let next = catalog.nextTrack(after: current) { return next }
        albumRun = false
        let roll = random.uniform()
        if roll < 0.12, let next = catalog.nextTrack(after: current) {
            albumRun = true
            return next
        }
        let successors = catalog.successors[current]
        if roll < 0.42, !successors.isEmpty {
            return successors[random.pick(weights: Array([0.5, 0.3, 0.2].prefix(successors.count)))]
        }
        if roll < 0.6, let known = revisit(in: genre) { return known }
        return draw(from: genre)
    }

    /// Plays a song: skipped soon if it does not appeal, else heard through (mostly to the end); the
    /// songs they love get liked or rated, the ones they hate a low rating. Says whether they stopped
    /// listening altogether.
    mutating func play(_ song: Int, at start: Double, revisit: Bool, marks: inout [MarkEvent]) -> (Listen, Bool) {
        let duration = catalog.facts[song].duration
        let appeal = affinity(song)
        var skipChance = 0.04 + 0.6 / (1 + exp(2.2 * (appeal - skipPivot)))
        if revisit { skipChance *= 0.5 }
        let songID = catalog.facts[song].id
        if random.chance(skipChance) {
            let listen = Listen(listener: id, song: songID, startedAt: start, played: random.uniform(2, 29).rounded(), counted: false, skipped: true)
            if appeal <= dislikeThreshold, !rated.contains(song), random.chance(0.2) {
                rated.insert(song)
                marks.append(MarkEvent(listener: id, song: songID, at: start + listen.played, kind: .rating(random.chance(0.5) ? 1 : 2)))
            }
            return (listen, false)
        }
        let threshold = min(duration / 2, 240)
        if random.chance(0.03) {
            let played = random.uniform(30, max(31, threshold - 1)).rounded(.down)
            return (Listen(listener: id, song: songID, startedAt: start, played: played, counted: false, skipped: false), random.chance(0.5))
        }
        let played = random.chance(0.88) ? duration : random.uniform(threshold, duration).rounded(.up)
        let end = start + played
        completions[song, default: 0] += 1
        if !favouriteSet.contains(song), completions[song, default: 0] >= 2 || appeal >= likeThreshold {
            favouriteSet.insert(song)
            favourites.append(song)
        }
        if appeal >= likeThreshold, !liked.contains(song), random.chance(0.4) {
            liked.insert(song)
            marks.append(MarkEvent(listener: id, song: songID, at: end, kind: .like))
        }
        if !rated.contains(song) {
            if appeal >= likeThreshold, random.chance(0.12) {
                rated.insert(song)
                marks.append(MarkEvent(listener: id, song: songID, at: end + 1, kind: .rating(appeal >= loveThreshold ? 5 : 4)))
            } else if random.chance(0.004) {
                rated.insert(song)
                marks.append(MarkEvent(listener: id, song: songID, at: end + 1, kind: .rating(3)))
            }
        }
        return (Listen(listener: id, song: songID, startedAt: start, played: played, counted: true, skipped: false), false)
    }
}
