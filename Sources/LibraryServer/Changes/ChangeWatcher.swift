public import Catalog
import ServiceLifecycle

/// Wakes long-polls and event streams when the change feed moves. One poll of the feed's latest
/// position, every `interval`, serves every waiting request, and only while any waits: it sees changes
/// this replica made and those other replicas committed to a shared database alike.
public actor ChangeWatcher {
    private let catalog: any CatalogStore
    private let interval: Duration
    private var latest = 0
    private var waiters: [Int: (beyond: Int, continuation: CheckedContinuation<Int, Never>)] = [:]
    private var nextWaiter = 0
    private var polling: Task<Void, Never>?

    public init(catalog: any CatalogStore, interval: Duration = .milliseconds(200)) {
        self.catalog = catalog
        self.interval = interval
    }

    /// Returns the feed's latest position once it is past `position`, or after `timeout` (whatever it is
    /// then), or at once when it already is — and early when the waiting task is cancelled or the
    /// service shuts down, so a long-poll never holds a stopping service for its whole `wait`.
    public func wait(beyond position: Int, timeout: Duration) async -> Int {
        if latest > position || Task.isCancelled || Task.isShuttingDownGracefully { return latest }
        let id = nextWaiter
        nextWaiter += 1
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.resume(id)
        }
        defer { timer.cancel() }
        return await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    waiters[id] = (position, continuation)
                    startPolling()
                }
            } onCancel: {
                Task { await self.resume(id) }
            }
        } onGracefulShutdown: {
            Task { await self.resume(id) }
        }
    }

    private func resume(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: latest)
    }

    private func startPolling() {
        guard polling == nil else { return }
        polling = Task { [weak self, interval] in
            while !Task.isCancelled {
                guard let self, await self.poll() else { return }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One look at the feed; false once nobody waits (the poller then stops).
    private func poll() async -> Bool {
        guard !waiters.isEmpty else {
            polling = nil
            return false
        }
        if let bounds = try? await catalog.changeBounds() { latest = max(latest, bounds.latest) }
        for (id, waiter) in waiters where latest > waiter.beyond {
            waiters.removeValue(forKey: id)
            waiter.continuation.resume(returning: latest)
        }
        return true
    }
}
