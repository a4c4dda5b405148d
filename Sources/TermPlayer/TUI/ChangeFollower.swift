import APIClient
import LibraryModel
import Synchronization
import TerminalUI

/// A library fetched whole, as actions for the state, and the change feed's position it was read at.
struct LibraryFetch: Sendable {
    var actions: [Action]
    /// The listing arrived (the actions hold `.libraryLoaded`).
    var loaded: Bool
    /// Where the feed stood when the listing was read; nil from a service without the feed.
    var position: Int?
    /// The catalog that answered (`X-Catalog-Id`); nil from a service that does not say.
    var catalog: String? = nil
}

/// Follows the service's change feed for the UI, so songs uploaded anywhere show within a second: one long
/// poll at a time, on a task of its own, each page posted to the inbox as an action and the next asked
/// from where it ended. It starts from the position the library was read at, so nothing between the
/// listing and the first poll is missed. A feed that no longer reaches back that far (410) has the library
/// fetched once again; a service that cannot be reached is asked again, backing off, from the same
/// position, so the library is never fetched again for an outage. A feed from another catalog than the
/// library's (a service rebuilt behind the same URL, under a cached library) is treated as expired.
final class ChangeFollower: Sendable {
    /// How long the service waits for a change before answering none.
    static let wait = 25
    static let pageSize = 500

    private let source: any MusicSource
    private let inbox: ActionInbox
    private let fetchLibrary: @Sendable () async -> LibraryFetch
    /// Told each page after it is posted (the library cache keeps it).
    private let onPage: @Sendable (ChangePage) -> Void
    /// The catalog the library on screen came from; nil when it did not say.
    private let catalog = Mutex<String?>(nil)
    /// The position of a library posted since the last poll: changes are asked again from it when it is
    /// older than where the feed had got to (a change applied twice is harmless; one missed is not).
    private let rewind = Mutex<Start?>(nil)
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let task = Mutex<Task<Void, Never>?>(nil)

    enum Start: Sendable, Equatable {
        case position(Int)
        /// The listing named no position: from what the feed says now.
        case latest
    }

    init(
        source: any MusicSource, inbox: ActionInbox, fetchLibrary: @escaping @Sendable () async -> LibraryFetch,
        onPage: @escaping @Sendable (ChangePage) -> Void = { _ in }
    ) {
        self.source = source
        self.inbox = inbox
        self.fetchLibrary = fetchLibrary
        self.onPage = onPage
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts the one task that follows; a second call does nothing. It waits for the first library.
    func start() {
        // A Subsonic server has no feed: its library is what the last full read found.
        guard source.hasChangeFeed else { return }
        task.withLock { task in
            guard task == nil else { return }
            task = Task { [self] in await follow() }
        }
    }

    func stop() {
        task.withLock { $0?.cancel() }
        wake.finish()
    }

    /// A library read at `position` was posted to the inbox (call it after posting, so that every page
    /// after it reaches the state after the library).
    func libraryPosted(at position: Int?, catalog: String?) {
        self.catalog.withLock { $0 = catalog }
        let start = position.map(Start.position) ?? .latest
        rewind.withLock { pending in pending = Self.earlier(pending, start) }
        wake.yield()
    }

    private static func earlier(_ a: Start?, _ b: Start) -> Start {
        switch (a, b) {
        case (.position(let x)?, .position(let y)): .position(min(x, y))
        case (.position?, .latest): a ?? b
        default: b
        }
    }

    private func follow() async {
        var position: Int?
        var wakeUps = wakes.makeAsyncIterator()
        var failures = 0
        while !Task.isCancelled {
            if let start = rewind.withLock({ pending in defer { pending = nil }; return pending }) {
                switch start {
                case .position(let start): position = min(position ?? start, start)
                case .latest where position == nil:
                    do {
                        position = try await source.latestChangePosition()
                    } catch where error.status == 404 {
                        // A service without the feed: nothing to follow until a library names a position.
                    } catch {
                        rewind.withLock { pending in pending = Self.earlier(pending, .latest) }
                        failures += 1
                        try? await Task.sleep(for: Self.backoff(failures))
                        continue
                    }
                case .latest: break
                }
            }
            guard let since = position else {
                guard await wakeUps.next() != nil else { return }
                continue
            }
            let asked = ContinuousClock.now
            do throws(APIClientError) {
                let (page, answeredBy) = try await source.changesAnswer(since: since, limit: Self.pageSize, wait: Self.wait)
                if let answeredBy, let expected = catalog.withLock({ $0 }), answeredBy != expected { throw APIClientError.feedExpired(url: source.label) }
                failures = 0
                if !page.changes.isEmpty {
                    inbox.post(.changesArrived(page))
                    onPage(page)
                }
                position = page.next
                // A service that answers an empty page at once (it ignores `wait`) is not asked in a spin.
                if page.changes.isEmpty, !page.more, ContinuousClock.now - asked < .seconds(1) { try? await Task.sleep(for: .seconds(1)) }
            } catch .feedExpired {
                let fetched = await fetchLibrary()
                guard fetched.loaded else {
                    failures += 1
                    try? await Task.sleep(for: Self.backoff(failures))
                    continue
                }
                for action in fetched.actions { inbox.post(action) }
                catalog.withLock { $0 = fetched.catalog }
                failures = 0
                position = nil
                rewind.withLock { pending in pending = Self.earlier(pending, fetched.position.map(Start.position) ?? .latest) }
            } catch where error.status == 404 {
                // A service from before the feed: wait for a library that names a position.
                position = nil
            } catch {
                // Unreachable, or failing: the health watcher says so on screen; ask again from here. A
                // refused listener is not an outage the watcher sees: said here, once a streak.
                if failures == 0, let status = error.status, status == 401 || status == 403 {
                    inbox.post(.message(StatusMessage("\(source.label) refused this listener (HTTP \(status)): the library shown is not kept up to date; `termplayer login` signs in", isError: true)))
                }
                failures += 1
                try? await Task.sleep(for: Self.backoff(failures))
            }
        }
    }

    /// 1, 2, 4, then every 5 seconds: back within a few seconds of the service.
    static func backoff(_ failures: Int) -> Duration {
        .seconds(min(5, 1 << min(failures - 1, 3)))
    }
}
