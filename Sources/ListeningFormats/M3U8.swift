internal import LibraryModel

/// Extended M3U, as foobar2000, Winamp, VLC and most others write it: `#EXTINF:<seconds>,<Artist> - <Title>`
/// before each location, every other `#` line a comment. TermPlayer adds `#EXTTPID:<song id>`, which other
/// players skip like any unknown `#` line.
enum M3U8 {
    private enum Tag {
        static let header = "#EXTM3U"
        static let info = "#EXTINF:"
        static let playlist = "#PLAYLIST:"
        static let album = "#EXTALB:"
        static let artist = "#EXTART:"
        static let songID = "#EXTTPID:"
    }

    /// What the `#` lines before a location said about it.
    private struct PendingEntry {
        var duration: Double?
        var display: Substring?
        var album: String?
        var artist: String?
        var songID: String?
    }

    static func parse(_ bytes: [UInt8]) throws(PlaylistFileError) -> PlaylistFile {
        var playlist = PlaylistFile()
        var pending = PendingEntry()
        var lineNumber = 0
        for rawLine in PlaylistText.content(of: bytes[...]).split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let decoded = String(validating: rawLine, as: UTF8.self) else { throw .notUTF8(line: lineNumber) }
            // Control characters read as the spaces an export writes for them, so a line of nothing else is
            // no entry: one that would come back as a blank line, and vanish, on the next import.
            let text = TextFields.trimmed(oneLine(decoded))
            guard !text.isEmpty else { continue }
            if text.first != "#" {
                guard playlist.entries.count < ListenerLimits.playlistSize else { throw .tooManyEntries }
                playlist.entries.append(entry(at: String(text), from: pending))
                pending = PendingEntry()
            } else if let value = value(of: Tag.info, in: text) {
                (pending.duration, pending.display) = info(value)
            } else if let value = value(of: Tag.playlist, in: text) {
                playlist.name = PlaylistText.field(value)
            } else if let value = value(of: Tag.album, in: text) {
                pending.album = PlaylistText.field(value)
            } else if let value = value(of: Tag.artist, in: text) {
                pending.artist = PlaylistText.field(value)
            } else if let value = value(of: Tag.songID, in: text) {
                pending.songID = PlaylistText.field(value)
            }
        }
        return playlist
    }

    /// What follows `tag` at the start of `line`, the tag in any case; nil when the line is another tag.
    private static func value(of tag: String, in line: Substring) -> Substring? {
        guard line.prefix(tag.count).uppercased() == tag else { return nil }
        return line.dropFirst(tag.count)
    }

    /// `<seconds>[ attributes],<display>`. The comma is the first one outside quoted attribute values
    /// (`tvg-name="a, b"`). A duration that is not a positive number (`-1`, `abc`) is unknown.
    private static func info(_ value: Substring) -> (duration: Double?, display: Substring?) {
        var inQuotes = false
        var comma: Substring.Index?
        for index in value.indices {
            if value[index] == "\"" {
                inQuotes.toggle()
            } else if value[index] == ",", !inQuotes {
                comma = index
                break
            }
        }
        comma = comma ?? value.firstIndex(of: ",")
        let header = comma.map { value[..<$0] } ?? value
        let display = comma.map { value[value.index(after: $0)...] }
        let durationText = header.drop(while: \.isWhitespace).prefix { !$0.isWhitespace }
        let duration = Double(durationText).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        return (duration, display)
    }

    /// The display text splits on the first " - " into artist and title; without one it is the title, and
    /// "Artist -" (an artist with no title, its trailing space trimmed away) is the artist. An `#EXTART:`
    /// line names the artist outright, and a display that starts with that artist and " - " leaves the rest
    /// as the title, so an artist whose name holds " - " survives a round trip.
    private static func entry(at location: String, from pending: PendingEntry) -> PlaylistFileEntry {
        var entry = PlaylistFileEntry(album: pending.album, duration: pending.duration, songID: pending.songID)
        if let songID = PlaylistText.songID(inURI: location) {
            entry.songID = entry.songID ?? songID
        } else {
            entry.location = PlaylistText.field(location, limit: PlaylistFiles.maximumLocationLength)
        }
        guard let display = pending.display?.drop(while: \.isWhitespace) else {
            entry.artist = pending.artist
            return entry
        }
        if let artist = pending.artist {
            entry.artist = artist
            if display.hasPrefix(artist + " - ") {
                entry.title = PlaylistText.field(display.dropFirst(artist.count + 3))
            } else if display != artist, display != artist + " -" {
                entry.title = split(display).title
            }
        } else {
            (entry.artist, entry.title) = split(display)
        }
        return entry
    }

    private static func split(_ display: Substring) -> (artist: String?, title: String?) {
        if let dash = display.firstRange(of: " - ") {
            return (PlaylistText.field(display[..<dash.lowerBound]), PlaylistText.field(display[dash.upperBound...]))
        }
        if display.hasSuffix(" -") { return (PlaylistText.field(display.dropLast(2)), nil) }
        return (nil, PlaylistText.field(display))
    }

    static func render(_ playlist: PlaylistFile) -> [UInt8] {
        var text = Tag.header + "\n"
        if let name = playlist.name { text += Tag.playlist + oneLine(name) + "\n" }
        for entry in playlist.entries {
            let location = entry.location ?? entry.songID.map { PlaylistText.songURIPrefix + $0 }
            guard let location else { continue }
            let artist = entry.artist.map(oneLine) ?? ""
            let title = entry.title.map(oneLine) ?? ""
            let display = artist.isEmpty ? title : artist + " - " + title
            text += Tag.info + wholeSeconds(entry.duration) + "," + display + "\n"
            if artist.contains(" - ") || artist.hasSuffix(" -") { text += Tag.artist + artist + "\n" }
            if let album = entry.album { text += Tag.album + oneLine(album) + "\n" }
            if let songID = entry.songID { text += Tag.songID + oneLine(songID) + "\n" }
            text += oneLine(location) + "\n"
        }
        return Array(text.utf8)
    }

    /// `-1`, the format's "unknown", for a duration that is absent or not a sensible number of seconds.
    private static func wholeSeconds(_ duration: Double?) -> String {
        guard let duration, duration.isFinite, duration > 0, duration < 1e9 else { return "-1" }
        return String(Int(duration.rounded()))
    }

    /// A line break inside a field would start a new line of the file; control characters become spaces.
    private static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.map { isControl($0) ? " " : $0 })
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
