import Recommender

/// What simpler players offer, on the same questions: random songs; the most played; random songs of
/// the same genre (Jellyfin's and Navidrome's instant mix without a plugin); the same artist, then the
/// same genre (Koel). None of them keeps our rules. Each list is drawn from its own seeded stream, so a
/// list does not depend on the order questions are asked in.
struct Baselines {
    let dataset: LabDataset
    let seed: UInt64
    let songIDs: [String]
    let genreOf: [String: String]
    let artistOf: [String: String]
    let songsByGenre: [String: [String]]
    let songsByArtist: [String: [String]]
    /// Counted train plays, most first (ties by catalog order).
    let popular: [String]
    /// Per listener: their genres and artists by counted train plays, most first, with the counts.
    let genreShares: [[(String, Double)]]
    let topArtists: [[String]]

    init(dataset: LabDataset, seed: UInt64) {
        self.dataset = dataset
        self.seed = seed
        songIDs = dataset.songs.map(\.id)
        var genreOf: [String: String] = [:], artistOf: [String: String] = [:]
        var byGenre: [String: [String]] = [:], byArtist: [String: [String]] = [:]
        for song in dataset.songs {
            genreOf[song.id] = song.genre
            artistOf[song.id] = song.artist
            byGenre[song.genre, default: []].append(song.id)
            byArtist[song.artist, default: []].append(song.id)
        }
        self.genreOf = genreOf
        self.artistOf = artistOf
        songsByGenre = byGenre
        songsByArtist = byArtist
        var plays: [String: Int] = [:]
        for listener in dataset.listeners {
            for listen in listener.train where listen.counted { plays[listen.song, default: 0] += 1 }
        }
        let position = Dictionary(uniqueKeysWithValues: dataset.songs.enumerated().map { ($0.element.id, $0.offset) })
        popular = dataset.songs.map(\.id).sorted {
            let a = plays[$0] ?? 0, b = plays[$1] ?? 0
            return a != b ? a > b : (position[$0] ?? 0) < (position[$1] ?? 0)
        }
        func ranked(_ counts: [String: Double]) -> [(String, Double)] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        }
        genreShares = dataset.listeners.map { listener in
            var counts: [String: Double] = [:]
            for listen in listener.train where listen.counted { counts[genreOf[listen.song] ?? "", default: 0] += 1 }
            return ranked(counts)
        }
        topArtists = dataset.listeners.map { listener in
            var counts: [String: Double] = [:]
            for listen in listener.train where listen.counted { counts[artistOf[listen.song] ?? "", default: 0] += 1 }
            return ranked(counts).prefix(3).map(\.0)
        }
    }

    func all() -> [MethodLists] {
        [
            lists("random", 1, forYou: { _, random in randomSongs(from: songIDs, count: Evaluation.limit, excluding: [], random: &random) },
                  radio: { query, random in randomSongs(from: songIDs, count: Evaluation.limit, excluding: station(query), random: &random) }),
            lists("most popular", 2, forYou: { _, _ in Array(popular.prefix(Evaluation.limit)) },
                  radio: { query, _ in
                      let played = station(query)
                      return Array(popular.lazy.filter { !played.contains($0) }.prefix(Evaluation.limit))
                  }),
            lists("same genre", 3, forYou: { listener, random in genreMix(listener, [], random: &random) },
                  radio: { query, random in
                      let played = station(query)
                      return randomSongs(from: songsByGenre[genreOf[query.previous] ?? ""] ?? [], count: Evaluation.limit, excluding: played, random: &random)
                  }),
            lists("same artist or genre", 4, forYou: { listener, random in
                var pool = topArtists[listener].flatMap { songsByArtist[$0] ?? [] }
                random.shuffle(&pool)
                let first = Array(pool.prefix(Evaluation.limit / 2))
                return first + genreMix(listener, Set(first), random: &random).prefix(Evaluation.limit - first.count)
            }, radio: { query, random in
                let played = station(query)
                var list = randomSongs(from: songsByArtist[artistOf[query.previous] ?? ""] ?? [], count: Evaluation.limit, excluding: played, random: &random)
                list += randomSongs(
                    from: songsByGenre[genreOf[query.previous] ?? ""] ?? [], count: Evaluation.limit - list.count,
                    excluding: played.union(list), random: &random)
                return list
            }),
        ]
    }

    private func station(_ query: RadioQuery) -> Set<String> { Set(query.prefix.map(\.song)) }

    private func lists(
        _ name: String, _ stream: UInt64, forYou: (Int, inout SeededGenerator) -> [String], radio: (RadioQuery, inout SeededGenerator) -> [String]
    ) -> MethodLists {
        var forYouLists: [String: [String]] = [:]
        for (number, listener) in dataset.listeners.enumerated() {
            var random = SeededGenerator(seed: seed, stream: stream << 40 | UInt64(number))
            forYouLists[listener.id] = forYou(number, &random)
        }
        var radioLists: [Int: [String]] = [:]
        for query in dataset.queries {
            var random = SeededGenerator(seed: seed, stream: stream << 40 | 1 << 32 | UInt64(query.id))
            radioLists[query.id] = radio(query, &random)
        }
        return MethodLists(name: name, forYou: forYouLists, radio: radioLists)
    }

    /// Random songs of the listener's genres, each slot's genre drawn by how much they play it.
    private func genreMix(_ listener: Int, _ excluded: Set<String>, random: inout SeededGenerator) -> [String] {
        let shares = genreShares[listener]
        guard !shares.isEmpty else { return randomSongs(from: songIDs, count: Evaluation.limit, excluding: excluded, random: &random) }
        var list: [String] = []
        var taken = excluded
        var attempts = 0
        while list.count < Evaluation.limit, attempts < 200 {
            attempts += 1
            let genre = shares[random.pick(weights: shares.map(\.1))].0
            let pool = songsByGenre[genre] ?? []
            guard !pool.isEmpty else { continue }
            let song = pool[random.int(below: pool.count)]
            if taken.insert(song).inserted { list.append(song) }
        }
        return list
    }

    private func randomSongs(from pool: [String], count: Int, excluding excluded: Set<String>, random: inout SeededGenerator) -> [String] {
        guard count > 0 else { return [] }
        var candidates = pool.filter { !excluded.contains($0) }
        if candidates.count <= count {
            random.shuffle(&candidates)
            return candidates
        }
        var picked: [String] = []
        var taken: Set<String> = []
        while picked.count < count {
            let song = candidates[random.int(below: candidates.count)]
            if taken.insert(song).inserted { picked.append(song) }
        }
        return picked
    }
}
