/// Gathers plays (in order of listener, then time) and builds a `RecommendationModel` from them.
///
/// Listening is cut into sessions at gaps over 5 minutes (a gap is the time from the end of one play to
/// the start of the next, as ListenBrainz counts it); skips are dropped. Songs played near each other in
/// a session are neighbours, scored by how often (nearer counts more), each listener adding at most
/// `perListenerCap` times to a pair so one heavy listener cannot make a pair; songs played right after
/// one another are followers. Plays are stored compactly as they arrive: a million plays take ~20 MB.
public struct ModelBuilder: Sendable {
    public struct Settings: Sendable {
        /// Seconds between the end of a play and the start of the next that begin a new session.
        public var sessionGap: Double = 300
        /// How many songs on either side of a song in a session count as played with it.
        public var window: Int = 4
        public var perListenerCap: Int = 5
        public var neighboursPerSong: Int = 40
        public var followersPerSong: Int = 20
        /// Damps pairs seen only a few times: similarity = together / (√(seen₁ · seen₂) + shrink).
        public var shrink: Float = 3

        public init() {}
        public static let standard = Settings()
    }

    private let songs: [SongFacts]
    private let index: [String: Int32]
    private let settings: Settings
    // Plays, one entry each.
    private var playSong: [Int32] = []
    private var playListener: [Int32] = []
    private var playStart: [Double] = []
    private var playEnd: [Double] = []
    private var playSkipped: [Bool] = []
    private var lastListener: String?
    private var listenerCount: Int32 = 0
    private var appeal: [Int32: SongAppeal] = [:]

    public init(songs: [SongFacts], settings: Settings = .standard) {
        self.songs = songs
        var index: [String: Int32] = [:]
        index.reserveCapacity(songs.count)
        for (position, song) in songs.enumerated() where index[song.id] == nil { index[song.id] = Int32(position) }
        self.index = index
        self.settings = settings
    }

    /// Adds one play; plays of songs the library no longer has are left out.
    public mutating func add(_ listen: Listen) {
        guard let song = index[listen.song] else { return }
        if listen.listener != lastListener {
            lastListener = listen.listener
            listenerCount += 1
        }
        playSong.append(song)
        playListener.append(listenerCount - 1)
        playStart.append(listen.startedAt)
        playEnd.append(listen.startedAt + max(0, listen.played))
        playSkipped.append(listen.skipped)
    }

    public mutating func setAppeal(_ songAppeal: SongAppeal, songID: String) {
        guard let song = index[songID] else { return }
        appeal[song] = songAppeal
    }

    public var playCount: Int { playSong.count }

    public func build() -> RecommendationModel {
        let sessions = cutSessions()
        let seen = sessionAppearances(sessions)
        let (neighbours, followers) = pairTables(sessions, seen: seen)
        return RecommendationModel(
            songs: songs, index: index, neighbours: neighbours, followers: followers,
            listeners: distinctListeners(), appeal: appeal, plays: playSong.count)
    }

    /// Sessions as runs of song indices (skips dropped), with each run's listener.
    private func cutSessions() -> (songs: [Int32], starts: [Int], listener: [Int32]) {
        var songs: [Int32] = []
        songs.reserveCapacity(playSong.count)
        var starts: [Int] = []
        var listener: [Int32] = []
        var sessionStart = 0
        var sessionListener: Int32 = -1
        var previous: Int?
        for play in playSong.indices {
            let continues = previous.map { playListener[$0] == playListener[play] && playStart[play] - playEnd[$0] <= settings.sessionGap } ?? false
            if !continues {
                if songs.count > sessionStart {
                    starts.append(sessionStart)
                    listener.append(sessionListener)
                }
                sessionStart = songs.count
                sessionListener = playListener[play]
            }
            previous = play
            if !playSkipped[play] { songs.append(playSong[play]) }
        }
        if songs.count > sessionStart {
            starts.append(sessionStart)
            listener.append(sessionListener)
        }
        return (songs, starts, listener)
    }

    private func sessionAppearances(_ sessions: (songs: [Int32], starts: [Int], listener: [Int32])) -> [Float] {
        var seen = [Float](repeating: 0, count: songs.count)
        for song in sessions.songs { seen[Int(song)] += 1 }
        return seen
    }

    /// Listeners who completed at least one play of each song.
    private func distinctListeners() -> [Float] {
        var listeners = [Float](repeating: 0, count: songs.count)
        var lastSeen = [Int32](repeating: -1, count: songs.count)
        for play in playSong.indices where !playSkipped[play] {
            let song = Int(playSong[play])
            if lastSeen[song] != playListener[play] {
                lastSeen[song] = playListener[play]
                listeners[song] += 1
            }
        }
        return listeners
    }

    /// Every pair within the window, bucketed by its first song (count, then fill), then each bucket
    /// summed with the per-listener cap and cut to its best entries.
    private func pairTables(_ sessions: (songs: [Int32], starts: [Int], listener: [Int32]), seen: [Float]) -> (NeighbourTable, NeighbourTable) {
        let songCount = songs.count
        let window = max(1, settings.window)
        func forEachPair(_ body: (Int32, Int32, Int32, Int) -> Void) {
            for (session, start) in sessions.starts.enumerated() {
                let end = session + 1 < sessions.starts.count ? sessions.starts[session + 1] : sessions.songs.count
                let listener = sessions.listener[session]
                for first in start..<end {
                    for second in (first + 1)..<min(end, first + window + 1) {
                        let a = sessions.songs[first], b = sessions.songs[second]
                        if a == b { continue }
                        // Distance, and whether `b` came right after `a`.
                        body(a, b, listener, (second - first) << 1 | 1)
                        body(b, a, listener, (second - first) << 1)
                    }
                }
            }
        }
        var bucketStarts = [Int](repeating: 0, count: songCount + 1)
        forEachPair { a, _, _, _ in bucketStarts[Int(a) + 1] += 1 }
        for song in 0..<songCount { bucketStarts[song + 1] += bucketStarts[song] }
        var fill = bucketStarts
        // other song (32 bits) | listener (24) | distance (7) | forward (1)
        var entries = [UInt64](repeating: 0, count: bucketStarts[songCount])
        forEachPair { a, b, listener, step in
            entries[fill[Int(a)]] = UInt64(UInt32(bitPattern: b)) << 32 | UInt64(UInt32(listener) & 0xFF_FFFF) << 8 | UInt64(step & 0xFF)
            fill[Int(a)] += 1
        }

        var neighbours = NeighbourTable(rows: songCount)
        var followers = NeighbourTable(rows: songCount)
        var together = [Float](repeating: 0, count: songCount)
        var follows = [Float](repeating: 0, count: songCount)
        var fromListener = [UInt8](repeating: 0, count: songCount)
        var touched: [Int32] = []
        var touchedByListener: [Int32] = []
        let cap = UInt8(clamping: settings.perListenerCap)
        for song in 0..<songCount {
            var currentListener: UInt64 = .max
            for entry in entries[bucketStarts[song]..<bucketStarts[song + 1]] {
                let other = Int(entry >> 32)
                let listener = entry >> 8 & 0xFF_FFFF
                if listener != currentListener {
                    for index in touchedByListener { fromListener[Int(index)] = 0 }
                    touchedByListener.removeAll(keepingCapacity: true)
                    currentListener = listener
                }
                guard fromListener[other] < cap else { continue }
                if fromListener[other] == 0 { touchedByListener.append(Int32(other)) }
                fromListener[other] += 1
                if together[other] == 0 { touched.append(Int32(other)) }
                let distance = Float(entry >> 1 & 0x7F)
                together[other] += 1 / distance
                if entry & 1 == 1, distance == 1 { follows[other] += 1 }
            }
            for index in touchedByListener { fromListener[Int(index)] = 0 }
            touchedByListener.removeAll(keepingCapacity: true)

            let seenHere = seen[song]
            var row: [(song: Int32, score: Float)] = touched.map { other in
                (other, together[Int(other)] / ((seenHere * seen[Int(other)]).squareRoot() + settings.shrink))
            }
            neighbours.appendRow(Self.best(&row, settings.neighboursPerSong))
            var next: [(song: Int32, score: Float)] = touched.compactMap { other in
                let count = follows[Int(other)]
                return count > 0 ? (other, count / (seenHere + settings.shrink)) : nil
            }
            followers.appendRow(Self.best(&next, settings.followersPerSong))
            for other in touched {
                together[Int(other)] = 0
                follows[Int(other)] = 0
            }
            touched.removeAll(keepingCapacity: true)
        }
        neighbours.finish(rows: songCount)
        followers.finish(rows: songCount)
        return (neighbours, followers)
    }

    /// The `count` best, best first; ties go to the earlier song so every replica builds the same table.
    private static func best(_ row: inout [(song: Int32, score: Float)], _ count: Int) -> ArraySlice<(song: Int32, score: Float)> {
        row.sort { $0.score != $1.score ? $0.score > $1.score : $0.song < $1.song }
        return row.prefix(count)
    }
}
