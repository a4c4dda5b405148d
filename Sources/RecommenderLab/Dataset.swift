public import Recommender

/// One listener's side of the split: what came before their split time (train) and after (test).
public struct LabListener: Sendable {
    public var id: String
    /// When their first held-out play started; what the recommender may know ends here.
    public var splitTime: Double
    public var train: [Listen]
    public var test: [Listen]
    /// Every like and rating they made, by time, on both sides of the split.
    public var marks: [MarkEvent]

    public var trainMarks: [MarkEvent] { marks.filter { $0.at < splitTime } }

    /// The listener as the service would see them at the split: marks summed from the train plays,
    /// likes and ratings made before it, and their latest plays.
    public func taste(recentCount: Int = 50) -> ListenerTaste {
        var marks: [String: SongTaste] = [:]
        for listen in train {
            var mark = marks[listen.song] ?? SongTaste()
            if listen.counted { mark.plays += 1 }
            if listen.skipped { mark.skips += 1 }
            mark.lastPlayed = max(mark.lastPlayed ?? listen.startedAt, listen.startedAt)
            marks[listen.song] = mark
        }
        for event in trainMarks {
            var mark = marks[event.song] ?? SongTaste()
            switch event.kind {
            case .like: mark.liked = true
            case .rating(let stars): mark.rating = stars
            }
            marks[event.song] = mark
        }
        return ListenerTaste(marks: marks, recent: Array(train.suffix(recentCount)))
    }

    /// Songs heard through or liked after the split: what a good "For you" list would have held.
    public var relevant: Set<String> {
        var songs = Set(test.filter(\.counted).map(\.song))
        for event in marks where event.at >= splitTime && event.kind == .like { songs.insert(event.song) }
        return songs
    }
}

/// A next-song question: after this session so far, which song did the listener play?
public struct RadioQuery: Sendable, Hashable {
    public var id: Int
    /// Index into the dataset's listeners.
    public var listener: Int
    public var target: String
    /// The last song heard through before the target: the radio's seed.
    public var previous: String
    /// The session's plays before the target (skips included), oldest first: the station so far.
    public var prefix: [Listen]
    public var startedAt: Double
}

/// The simulated world cut for evaluation: each listener's last plays held out by time, and next-song
/// queries sampled from the held-out plays.
public struct LabDataset: Sendable {
    public var settings: SimulationSettings
    public var songs: [SongFacts]
    public var listeners: [LabListener]
    public var queries: [RadioQuery]

    /// Seconds between plays that end a session, as the model cuts them.
    public static let sessionGap = ModelBuilder.Settings.standard.sessionGap

    public init(settings: SimulationSettings, songs: [SongFacts], listeners: [LabListener], queries: [RadioQuery]) {
        self.settings = settings
        self.songs = songs
        self.listeners = listeners
        self.queries = queries
    }

    /// Holds out each listener's last `holdOut` share of plays and samples up to `maxQueries` next-song
    /// queries (seeded) among their held-out plays that were heard through after another song of the
    /// same session, and not already played in it.
    public init(split simulation: Simulation, holdOut: Double = 0.2, maxQueries: Int = 5_000) {
        var byListener: [String: [Listen]] = [:]
        for listen in simulation.listens { byListener[listen.listener, default: []].append(listen) }
        var marksBy: [String: [MarkEvent]] = [:]
        for event in simulation.marks { marksBy[event.listener, default: []].append(event) }
        var listeners: [LabListener] = []
        for id in simulation.listeners {
            let plays = byListener[id] ?? []
            guard plays.count >= 5 else { continue }
            let cut = min(plays.count - 1, max(1, Int((Double(plays.count) * (1 - holdOut)).rounded())))
            listeners.append(LabListener(
                id: id, splitTime: plays[cut].startedAt, train: Array(plays[..<cut]), test: Array(plays[cut...]),
                marks: (marksBy[id] ?? []).sorted { $0.at < $1.at }))
        }
        var candidates: [(listener: Int, position: Int)] = []
        for (number, listener) in listeners.enumerated() {
            let all = listener.train + listener.test
            for position in listener.train.count..<all.count where Self.isQuestion(all, position) {
                candidates.append((number, position))
            }
        }
        var random = SeededGenerator(seed: simulation.settings.seed, stream: 3)
        random.shuffle(&candidates)
        let chosen = candidates.prefix(maxQueries).sorted { $0.listener != $1.listener ? $0.listener < $1.listener : $0.position < $1.position }
        let queries = chosen.enumerated().map { number, pick in
            Self.query(id: number + 1, listener: pick.listener, plays: listeners[pick.listener].train + listeners[pick.listener].test, position: pick.position)
        }
        self.init(settings: simulation.settings, songs: simulation.songs, listeners: listeners, queries: queries)
    }

    /// Where the session holding `position` began.
    static func sessionStart(_ plays: [Listen], _ position: Int) -> Int {
        var first = position
        while first > 0, plays[first].startedAt - (plays[first - 1].startedAt + plays[first - 1].played) <= sessionGap {
            first -= 1
        }
        return first
    }

    static func isQuestion(_ plays: [Listen], _ position: Int) -> Bool {
        guard plays[position].counted else { return false }
        let prefix = plays[sessionStart(plays, position)..<position]
        return prefix.contains { !$0.skipped } && !prefix.contains { $0.song == plays[position].song }
    }

    static func query(id: Int, listener: Int, plays: [Listen], position: Int) -> RadioQuery {
        let prefix = Array(plays[sessionStart(plays, position)..<position])
        let previous = prefix.last { !$0.skipped }?.song ?? ""
        return RadioQuery(id: id, listener: listener, target: plays[position].song, previous: previous, prefix: prefix, startedAt: plays[position].startedAt)
    }

    /// Everything the recommender may learn from: train plays, and the likes and ratings made before
    /// each listener's split.
    public func trainedModel() -> RecommendationModel {
        var builder = ModelBuilder(songs: songs)
        var appeal: [String: SongAppeal] = [:]
        for listener in listeners {
            for listen in listener.train { builder.add(listen) }
            var liked: Set<String> = []
            var rating: [String: Int] = [:]
            for event in listener.trainMarks {
                switch event.kind {
                case .like: liked.insert(event.song)
                case .rating(let stars): rating[event.song] = stars
                }
            }
            for song in liked { appeal[song, default: SongAppeal()].likes += 1 }
            for (song, stars) in rating {
                if stars >= 4 { appeal[song, default: SongAppeal()].goodRatings += 1 }
                if (1...2).contains(stars) { appeal[song, default: SongAppeal()].poorRatings += 1 }
            }
        }
        for song in appeal.keys.sorted() {
            if let value = appeal[song] { builder.setAppeal(value, songID: song) }
        }
        return builder.build()
    }
}
