/// The order tracks play in: the queue as given, or shuffled, with repeat. Pure logic, no audio.
public struct PlayQueue: Sendable, Equatable {
    public private(set) var tracks: [Track] = []
    /// Indexes into `tracks` in playing order.
    public private(set) var order: [Int] = []
    /// Where in `order` playback is.
    public private(set) var cursor: Int?
    public var repeatMode: RepeatMode = .off
    public private(set) var shuffled = false

    public init() {}

    public init(_ tracks: [Track], startingAt index: Int, shuffle: Bool = false, repeatMode: RepeatMode = .off) {
        self.tracks = tracks
        self.repeatMode = repeatMode
        guard tracks.indices.contains(index) else { return }
        order = Array(tracks.indices)
        cursor = index
        if shuffle { setShuffle(true) }
    }

    /// Index into `tracks` of the current track.
    public var currentIndex: Int? { cursor.map { order[$0] } }
    public var current: Track? { currentIndex.map { tracks[$0] } }

    /// The track after the current one when it ends by itself (repeat one plays it again).
    public var naturalSuccessor: Int? {
        guard let cursor else { return nil }
        if repeatMode == .one { return order[cursor] }
        return successor(of: cursor).map { order[$0] }
    }

    /// Moves to the track after the current one when it ended by itself; false at the end of the queue.
    public mutating func advanceNaturally() -> Bool {
        guard let cursor else { return false }
        if repeatMode == .one { return true }
        guard let next = successor(of: cursor) else {
            self.cursor = nil
            return false
        }
        self.cursor = next
        return true
    }

    /// `next`: the following track (repeat one does not hold a skip back); false at the end.
    public mutating func skipForward() -> Bool {
        guard let cursor, let next = successor(of: cursor) else { return false }
        self.cursor = next
        return true
    }

    /// `previous` (when not restarting): the track before; with repeat all, the first wraps to the last.
    public mutating func skipBackward() -> Bool {
        guard let cursor else { return false }
        if cursor > order.startIndex {
            self.cursor = cursor - 1
            return true
        }
        guard repeatMode == .all, order.count > 1 else { return false }
        self.cursor = order.count - 1
        return true
    }

    /// Shuffling keeps the current track current and plays the rest in a random order after it.
    public mutating func setShuffle<Generator: RandomNumberGenerator>(_ on: Bool, using generator: inout Generator) {
        shuffled = on
        let current = currentIndex
        if on {
            var rest = tracks.indices.filter { $0 != current }
            rest.shuffle(using: &generator)
            order = (current.map { [$0] } ?? []) + rest
            cursor = current == nil ? nil : 0
        } else {
            order = Array(tracks.indices)
            cursor = current
        }
    }

    public mutating func setShuffle(_ on: Bool) {
        var generator = SystemRandomNumberGenerator()
        setShuffle(on, using: &generator)
    }

    public mutating func stop() { cursor = nil }

    /// Adds tracks at the end (of the shuffled order too), without changing what plays now.
    public mutating func append(_ more: [Track]) {
        order += tracks.count..<tracks.count + more.count
        tracks += more
    }

    private func successor(of position: Int) -> Int? {
        if position + 1 < order.count { return position + 1 }
        return repeatMode == .all && !order.isEmpty ? 0 : nil
    }
}
