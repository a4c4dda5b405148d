import Catalog
import Foundation
import LibraryModel
import WireFormats

/// Who the listener is, and the play queue a client saves to resume on another device.
extension SubsonicService {
    /// `username` (the caller when absent); another listener's only for an admin.
    func getUser(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        var user = listener
        if let name = call.parameters["username"], !name.isEmpty, SearchKey.fold(name) != SearchKey.fold(listener.name) {
            guard listener.isAdmin else { throw SubsonicError(.notAuthorized, "only an admin may look at another listener") }
            guard let other = try await backend.account(named: name)?.user else { throw SubsonicError.notFound("User \(name.prefix(100))") }
            user = other
        }
        var element = SubsonicElement("user")
        element.set("username", user.name)
        element.set("scrobblingEnabled", true)
        element.set("adminRole", user.isAdmin || user.isLocal)
        element.set("settingsRole", false)
        element.set("downloadRole", true)
        element.set("uploadRole", false)
        element.set("playlistRole", true)
        element.set("coverArtRole", false)
        element.set("commentRole", false)
        element.set("podcastRole", false)
        element.set("streamRole", true)
        element.set("jukeboxRole", false)
        element.set("shareRole", false)
        element.set("videoConversionRole", false)
        element.add(values: "folder", [.int(Self.musicFolderID)])
        return .element(element)
    }

    func getPlayQueue(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        guard let queue = playQueues.queue(of: listener.id) else { return .element(nil) }
        var element = SubsonicElement("playQueue")
        element.set("current", queue.current)
        element.set("position", queue.position)
        element.set("username", listener.name)
        element.set("changed", queue.changed)
        element.set("changedBy", queue.changedBy)
        element.add(list: "entry", try await elements(try await tracks(ids: queue.songIDs), for: listener, name: "entry"))
        return .element(element)
    }

    /// `id` (repeatable; none clears the queue), `current` and `position` (ms into the current song).
    func savePlayQueue(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let parameters = call.parameters
        let ids = parameters.all("id").filter { !$0.isEmpty }
        guard ids.count <= ListenerLimits.playlistSize else { throw SubsonicError(.generic, "a play queue holds at most \(ListenerLimits.playlistSize) songs") }
        let current = parameters["current"].flatMap { $0.isEmpty ? nil : $0 }
        if let current, !ids.contains(current) { throw SubsonicError(.generic, "current must be one of the queue's ids") }
        let position = try parameters.integer("position", default: 0, in: 0...Int.max) ?? 0
        playQueues.save(
            ids.isEmpty ? nil : PlayQueueStore.Queue(songIDs: ids, current: current, position: position, changed: Date(), changedBy: String((parameters["c"] ?? "").prefix(100))),
            for: listener.id)
        return .element(nil)
    }
}
