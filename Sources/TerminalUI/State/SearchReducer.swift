/// What a search has still to look at: the candidates in title order and how far it got. Typing over a
/// million songs cannot be answered in one frame when a word is in most of them, so each keystroke looks
/// at one slice and draws what it found (in title order, the first rows are already right); the UI loop
/// asks for the next slice whenever no key is waiting (`Action.searchContinues`).
struct SearchScan: Sendable, Equatable {
    var candidates: [Int]
    var next = 0

    var remaining: ArraySlice<Int> { candidates[next...] }
}

/// A search as it stood before a character was typed: Backspace brings it back, unfinished or not.
struct SearchSnapshot: Sendable, Equatable {
    var found: [Int]
    var scan: SearchScan?
}

extension AppState {
    /// Candidates one slice looks at: about 1–2 ms of scanning on this project's 2-core machine.
    static let searchSlice = 32_768

    /// A search is still going: the UI loop keeps stepping it between keys.
    public var isSearching: Bool { searchScan != nil }

    /// Searches `query` afresh over `candidates` (the whole library, in title order, when nil).
    mutating func startSearch(within candidates: [Int]? = nil) {
        guard !query.split(separator: " ").isEmpty else {
            searchResults = library.order(.title)
            searchScan = nil
            return
        }
        searchResults = []
        searchScan = SearchScan(candidates: candidates ?? library.order(.title))
        continueSearch()
    }

    /// Looks at the next slice.
    mutating func continueSearch() {
        guard var scan = searchScan else { return }
        let end = min(scan.candidates.count, scan.next + Self.searchSlice)
        library.search(query, in: scan.candidates[scan.next..<end], into: &searchResults)
        scan.next = end
        guard end == scan.candidates.count else {
            searchScan = scan
            return
        }
        searchScan = nil
        // Nothing filtered out: share the candidates' storage (every step Backspace keeps holds a list).
        if searchResults.count == scan.candidates.count { searchResults = scan.candidates }
    }

    /// Finishes the search at once, for what needs every result: playing them, a change to the library.
    mutating func finishSearch() {
        while searchScan != nil { continueSearch() }
    }

    /// A character typed: the longer query can only match what the shorter one did, so it looks only
    /// at what was found and what was not yet looked at. A space starts a word that is still empty.
    mutating func narrowSearch(typing character: Character) {
        earlierSearches.append(SearchSnapshot(found: searchResults, scan: searchScan))
        let narrowed: [Int]? =
            if query.isEmpty { nil } else if let scan = searchScan { searchResults + scan.remaining } else { searchResults }
        query.append(character)
        if character != " " { startSearch(within: narrowed) }
    }

    /// Backspace: the search before the last character, as it was.
    mutating func widenSearch() {
        query.removeLast()
        if let earlier = earlierSearches.popLast() {
            searchResults = earlier.found
            searchScan = earlier.scan
        } else {
            startSearch()
        }
    }

    /// The library changed under the search: what Backspace would bring back is stale.
    mutating func restartSearch() {
        earlierSearches = []
        startSearch()
    }
}
