/// Candidate songs with their summed score and the signal that added most to each, which becomes
/// the reason shown.
struct Scoreboard {
    private struct Entry {
        var total: Double
        var strongest: Double
        var reason: Reason
    }

    private var entries: [Int32: Entry] = [:]

    /// Adds `amount` to `song`; a positive amount larger than any before names the reason.
    mutating func add(_ song: Int32, _ amount: Double, _ reason: @autoclosure () -> Reason) {
        guard amount != 0, amount.isFinite else { return }
        if var entry = entries[song] {
            entry.total += amount
            if amount > entry.strongest {
                entry.strongest = amount
                entry.reason = reason()
            }
            entries[song] = entry
        } else if amount > 0 {
            entries[song] = Entry(total: amount, strongest: amount, reason: reason())
        }
    }

    /// Moves a song down (a penalty); songs never suggested are left alone.
    mutating func subtract(_ song: Int32, _ amount: Double) {
        guard amount > 0, var entry = entries[song] else { return }
        entry.total -= amount
        entries[song] = entry
    }

    func contains(_ song: Int32) -> Bool { entries[song] != nil }

    /// Adds a small prior (popularity) to every candidate, leaving their reasons as they are.
    mutating func nudgeAll(_ amount: (Int32) -> Double) {
        for song in entries.keys { entries[song]?.total += amount(song) }
    }

    /// Best first, ties to the earlier song; at most `count`, leaving out what `excluded` says.
    func ranked(limit count: Int, excluding excluded: (Int32) -> Bool) -> [(song: Int32, score: Double, reason: Reason)] {
        var list = entries.compactMap { song, entry in excluded(song) ? nil : (song: song, score: entry.total, reason: entry.reason) }
        list.sort { $0.score != $1.score ? $0.score > $1.score : $0.song < $1.song }
        return Array(list.prefix(count))
    }
}

/// Picks from a ranked list so that no artist has more than `perWindow` songs in any `window`
/// consecutive ones, counting the songs already played before the list (`tail`). With `fallback` (a
/// library of too few artists to keep the rule), the next best comes anyway when no remaining candidate
/// fits, so a small library's radio keeps playing; without it the list ends there.
struct ArtistSpread {
    var window = 10
    var perWindow = 2
    var fallback = false

    func pick(
        _ ranked: [(song: Int32, score: Double, reason: Reason)], after tail: [Int32], limit: Int, artistOf: [Int32]
    ) -> [(song: Int32, score: Double, reason: Reason)] {
        var recent = Array(tail.suffix(window - 1).map { artistOf[Int($0)] })
        var remaining = ranked
        var picks: [(song: Int32, score: Double, reason: Reason)] = []
        while picks.count < limit, !remaining.isEmpty {
            let fitting = remaining.firstIndex { candidate in
                let artist = artistOf[Int(candidate.song)]
                return recent.reduce(0) { $0 + ($1 == artist ? 1 : 0) } < perWindow
            }
            guard let choice = fitting ?? (fallback ? 0 : nil) else { break }
            let picked = remaining.remove(at: choice)
            picks.append(picked)
            recent.append(artistOf[Int(picked.song)])
            if recent.count > window - 1 { recent.removeFirst() }
        }
        return picks
    }
}
