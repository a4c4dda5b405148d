import TerminalArt

/// Album art's side of the reducer: the mode the terminal layer chose, the toggle, the large cover, and
/// keeping `art.covers` in step with what the layout shows.
extension AppState {
    /// `.artModeChosen`: covers made for another mode or aspect are no use, so they all go (and those on
    /// their way are cancelled); the layout then asks for what it shows.
    mutating func chooseArtMode(_ mode: ArtMode, cellAspect: Double, hint: String?) -> [Effect] {
        let cancelled = art.order.filter { if case .loading = art.covers[$0] { true } else { false } }
        art.removeAll()
        art.mode = mode
        art.isEnabled = mode != .off
        if mode == .off { art.isShowingLarge = false }
        art.cellAspect = ArtState.sane(cellAspect)
        art.hint = hint
        if let hint { message = StatusMessage(hint) }
        return cancelled.map(Effect.cancelCover)
    }

    /// `A`: covers on or off. Off hides every cover and the panel (the layout is as without art) and asks
    /// for nothing; the covers at hand stay, so turning them on again shows them at once.
    mutating func toggleArt() {
        guard art.mode != .off else {
            message = StatusMessage("Covers are off: this terminal cannot show them, or --art off says so", isError: true)
            return
        }
        art.isEnabled.toggle()
        if !art.isEnabled { art.isShowingLarge = false }
        message = StatusMessage(art.isEnabled ? "Covers on" : "Covers off")
    }

    /// `i`: the cover large over the current view, until any key.
    mutating func showCover() {
        guard art.mode != .off else {
            message = StatusMessage("Covers are off: this terminal cannot show them, or --art off says so", isError: true)
            return
        }
        guard art.isEnabled else {
            let keys = keymap.keys(for: .toggleArt)
            message = StatusMessage(keys.isEmpty ? "Covers are off" : "Covers are off: \(keys[0]) turns them on", isError: true)
            return
        }
        guard ArtLayout.largeSubject(self) != nil else {
            message = StatusMessage("No cover to show: play a song, or put the cursor on one", isError: true)
            return
        }
        art.isShowingLarge = true
    }

    /// After every action: asks for each cover the layout shows that is not at hand (holding it as
    /// `.loading`), cancels those still loading that it no longer shows, and keeps at most
    /// `ArtState.capacity`, dropping the longest unseen first. The covers on screen count as seen now.
    mutating func syncCovers() -> [Effect] {
        guard art.mode != .off, art.isActive || !art.covers.isEmpty else { return [] }
        let wanted = ArtLayout.regions(for: self).map(\.key)
        var effects: [Effect] = []
        var shown: Set<ArtKey> = []
        for key in wanted where shown.insert(key).inserted {
            if art.covers[key] == nil {
                art.store(.loading, for: key)
                effects.append(.loadCover(key, art.mode))
            } else if art.order.last != key, let index = art.order.firstIndex(of: key) {
                art.order.remove(at: index)
                art.order.append(key)
            }
        }
        let abandoned = art.order.filter { key in
            guard !shown.contains(key), case .loading = art.covers[key] else { return false }
            return true
        }
        for key in abandoned {
            art.remove(key)
            effects.append(.cancelCover(key))
        }
        let excess = art.covers.count - ArtState.capacity
        if excess > 0 {
            for key in art.order.filter({ !shown.contains($0) }).prefix(excess) { art.remove(key) }
        }
        return effects
    }
}
