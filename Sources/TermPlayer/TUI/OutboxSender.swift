import APIClient
import Foundation
import LibraryCache
import LibraryModel
import Synchronization
import TerminalUI

/// Sends the listener's changes (marks, plays, playlist edits) through the outbox: each is written down
/// first, then everything waiting is sent in the order made, and an item leaves the outbox only once the
/// service has it (or refused it for good). A service that cannot be reached stops the sending with the
/// rest kept, to go on when it is back (`drain()` again) — in this run or the next. Runs on the UI's
/// queue of changes, so a radio's request still follows the plays before it.
final class OutboxSender: Sendable {
    private let outbox: LibraryCache
    private let source: any MusicSource
    private let inbox: ActionInbox
    private let changes: SerialWork
    /// The last drain stopped on an unreachable service (said once on the status line, until it is back).
    private let holding = Mutex(false)

    init(outbox: LibraryCache, source: any MusicSource, inbox: ActionInbox, changes: SerialWork) {
        self.outbox = outbox
        self.source = source
        self.inbox = inbox
        self.changes = changes
    }

    /// Keeps `item` and sends what waits, this first if nothing is older.
    func submit(_ item: OutboxItem) {
        changes.enqueue { [self] in
            do {
                try await outbox.enqueue(item)
            } catch {
                // Not written down (a full disk): sent once now, as before there was an outbox.
                _ = await send(OutboxEntry(id: -1, item: item, madeAt: Date()))
                inbox.post(.message(StatusMessage("Could not keep the change to send later: \(error)", isError: true)))
                return
            }
            await sendWaiting()
        }
    }

    /// Sends everything waiting (after an outage, at start).
    func drain() {
        changes.enqueue { [self] in await sendWaiting() }
    }

    private func sendWaiting() async {
        guard let entries = try? await outbox.claimOutbox(), !entries.isEmpty else { return }
        let wasHolding = holding.withLock { $0 }
        var sent = 0
        for entry in entries {
            guard await send(entry) else {
                let waiting = entries.count - sent
                if !holding.withLock({ let was = $0; $0 = true; return was }) {
                    inbox.post(.message(StatusMessage("\(source.label) cannot be reached: \(waiting) change\(waiting == 1 ? "" : "s") kept here, to send when it is back")))
                }
                return
            }
            sent += 1
        }
        holding.withLock { $0 = false }
        if wasHolding { inbox.post(.message(StatusMessage("Sent the \(sent) change\(sent == 1 ? "" : "s") made while \(source.label) was away"))) }
    }

    /// Sends one entry; false when the service could not be reached (it stays in the outbox).
    private func send(_ entry: OutboxEntry) async -> Bool {
        do {
            if let answer = try await Self.perform(entry.item, with: source) { inbox.post(answer) }
        } catch where error.isOutage {
            return false
        } catch {
            // Refused (a song deleted, a playlist changed meanwhile): sending it again changes nothing.
            if let failure = Self.failure(of: entry.item, reason: "\(error)") { inbox.post(failure) }
        }
        if entry.id >= 0 { try? await outbox.sent(entry.id) }
        return true
    }

    /// The call an item stands for, and the action its answer is for the state.
    static func perform(_ item: OutboxItem, with source: any MusicSource) async throws(APIClientError) -> Action? {
        switch item {
        case .like(let songID, let liked):
            _ = try await source.setLiked(liked, song: songID)
            return .markSaved(songID: songID, .liked(liked))
        case .rate(let songID, let stars):
            _ = try await source.rate(song: songID, stars: stars)
            return .markSaved(songID: songID, .rating(stars))
        case .play(let report):
            _ = try await source.reportPlays([report])
            return nil
        case .createPlaylist(let changes):
            return .playlistCreated(try await source.createPlaylist(changes))
        case .updatePlaylist(let id, let changes):
            return .playlistEdited(try await source.updatePlaylist(id, changes))
        case .deletePlaylist(let id):
            try await source.deletePlaylist(id)
            return .playlistDeleted(id: id)
        case .addToPlaylist(let id, let addition):
            return .playlistEdited(try await source.addToPlaylist(id, addition))
        case .removeFromPlaylist(let id, let removal):
            return .playlistEdited(try await source.removeFromPlaylist(id, removal))
        case .moveInPlaylist(let id, let move):
            return .playlistEdited(try await source.moveInPlaylist(id, move))
        }
    }

    /// The action a refusal is for the state: the mark or the playlist goes back to what was saved.
    static func failure(of item: OutboxItem, reason: String) -> Action? {
        switch item {
        case .like(let songID, let liked): .markFailed(songID: songID, .liked(liked), reason: reason)
        case .rate(let songID, let stars): .markFailed(songID: songID, .rating(stars), reason: reason)
        case .play: nil
        case .createPlaylist(let changes): .playlistCreateFailed(name: changes.name ?? "the playlist", reason: reason)
        case .updatePlaylist(let id, _), .deletePlaylist(let id), .addToPlaylist(let id, _), .removeFromPlaylist(let id, _),
             .moveInPlaylist(let id, _):
            .playlistEditFailed(id: id, reason: reason)
        }
    }
}
