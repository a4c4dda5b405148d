/// For each song, its closest songs with a score, best first: a compressed sparse row table, so a
/// 100,000-song model is a few flat arrays instead of 100,000 small ones.
struct NeighbourTable: Sendable {
    /// Row `i` is `songs[starts[i] ..< starts[i + 1]]`.
    private(set) var starts: [Int32]
    private(set) var songs: [Int32]
    private(set) var scores: [Float]

    init(rows: Int) {
        starts = [0]
        starts.reserveCapacity(rows + 1)
        songs = []
        scores = []
    }

    /// Appends the next row; rows arrive in song order.
    mutating func appendRow(_ row: some Sequence<(song: Int32, score: Float)>) {
        for entry in row {
            songs.append(entry.song)
            scores.append(entry.score)
        }
        starts.append(Int32(songs.count))
    }

    /// Pads rows up to `count`, for songs after the last one with neighbours.
    mutating func finish(rows count: Int) {
        while starts.count < count + 1 { starts.append(Int32(songs.count)) }
    }

    /// The neighbours of `song`, best first; none for a song outside the table.
    func row(_ song: Int32) -> Zip2Sequence<ArraySlice<Int32>, ArraySlice<Float>> {
        let index = Int(song)
        guard index >= 0, index + 1 < starts.count else { return zip(songs[0..<0], scores[0..<0]) }
        let range = Int(starts[index])..<Int(starts[index + 1])
        return zip(songs[range], scores[range])
    }

    var entryCount: Int { songs.count }
}
