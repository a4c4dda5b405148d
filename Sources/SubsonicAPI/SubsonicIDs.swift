import Crypto
import Foundation
import LibraryModel
import Synchronization

/// Ids for what bundles have no ids for. An artist is its folded name, an album its folded artist and name, so
/// an id is a short hash of those keys: stable across restarts and replicas, the same for "Beyoncé" and
/// "beyonce", opaque, and URL-safe (`ar-` or `al-` and 16 hex digits). Songs keep their bundle ids, which are
/// URL-safe already (letters, digits, `-`, `_`, `.`).
public enum SubsonicIDs {
    public static func artist(key artistKey: String) -> String {
        "ar-" + digest(artistKey)
    }

    public static func album(artistKey: String, albumKey: String) -> String {
        // A separator no folded text holds, so ("ab", "c") and ("a", "bc") differ.
        "al-" + digest(artistKey + "\u{0}" + albumKey)
    }

    /// What an id names. An id shaped like an artist's or an album's is tried as one first; song ids that happen
    /// to look the same are tried as songs afterwards by the callers that take songs.
    public enum Kind: Sendable, Equatable {
        case artist
        case album
        case song
    }

    public static func kind(of id: String) -> Kind {
        if looksDerived(id, prefix: "ar-") { return .artist }
        if looksDerived(id, prefix: "al-") { return .album }
        return .song
    }

    private static func looksDerived(_ id: String, prefix: String) -> Bool {
        id.hasPrefix(prefix) && id.utf8.count == prefix.utf8.count + 16 && id.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    /// Ids made before, by their keys: a listing page names two per song, a library has a few thousand
    /// albums, and a hash and its hex cost a tenth of a page. Emptied when full, so it never grows past it.
    private static let made = Mutex([String: String]())
    private static let mostRemembered = 65_536

    private static func digest(_ text: String) -> String {
        if let known = made.withLock({ $0[text] }) { return known }
        let id = SHA256.hash(data: Array(text.utf8)).withUnsafeBytes { Hex.lowercase($0.prefix(8)) }
        made.withLock { made in
            if made.count >= mostRemembered { made.removeAll(keepingCapacity: true) }
            made[text] = id
        }
        return id
    }
}
