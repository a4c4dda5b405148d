import DequeModule
public import LibraryModel
import Synchronization

/// Schedules reconciliations: one at a time per bundle, different bundles in parallel, and any number of
/// requests for a bundle that is already waiting folded into one run.
///
/// A request that arrives while its bundle is being reconciled schedules one more run afterwards, because
/// the running one may have looked at the bucket before the new object landed.
public final class IngestQueue: Sendable {
    public typealias Outcome = Ingestor.Outcome

    private struct State {
        var waiting = Deque<BundleID>()
        var queued = Set<BundleID>()
        var running = Set<BundleID>()
        var runAgain = Set<BundleID>()
        /// Callers waiting for the next run of a bundle to finish.
        var nextRunWaiters: [BundleID: [CheckedContinuation<Outcome, Never>]] = [:]
        /// Callers whose run has started.
        var currentRunWaiters: [BundleID: [CheckedContinuation<Outcome, Never>]] = [:]
        var idleWorkers: [CheckedContinuation<BundleID?, Never>] = []
        var closed = false
        var completed = 0
    }

    private let state = Mutex(State())
    private let ingestor: Ingestor

    public init(ingestor: Ingestor) {
        self.ingestor = ingestor
    }

    /// Schedules a reconciliation of `id` and returns at once.
    public func submit(_ id: BundleID) {
        let worker = state.withLock { state in Self.schedule(id, urgent: false, in: &state) }
        worker?.resume(returning: id)
    }

    /// Schedules a reconciliation of `id` and waits for a run that started after this call to finish.
    ///
    /// A caller is waiting (an upload), so the bundle goes to the front of the line: an upload during a
    /// start-up scan of a big library is not kept behind it.
    public func ingest(_ id: BundleID) async -> Outcome {
        await withCheckedContinuation { continuation in
            let worker = state.withLock { state -> CheckedContinuation<BundleID?, Never>? in
                guard !state.closed else {
                    continuation.resume(returning: Self.stoppedOutcome)
                    return nil
                }
                state.nextRunWaiters[id, default: []].append(continuation)
                return Self.schedule(id, urgent: true, in: &state)
            }
            worker?.resume(returning: id)
        }
    }

    /// Bundles waiting or being reconciled now.
    public var backlog: Int { state.withLock { $0.queued.count + $0.running.count } }

    /// Reconciliations finished since start.
    public var completed: Int { state.withLock { $0.completed } }

    /// Runs `workers` reconciliations at a time until `close()` is called.
    public func run(workers: Int) async {
        await withDiscardingTaskGroup { group in
            for _ in 0..<max(1, workers) {
                group.addTask { await self.work() }
            }
        }
    }

    /// Stops the workers after their current runs; callers still waiting hear that the service stopped.
    public func close() {
        let (workers, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idleWorkers.removeAll()
                state.nextRunWaiters.removeAll()
            }
            return (state.idleWorkers, state.nextRunWaiters.values.flatMap { $0 })
        }
        for worker in workers { worker.resume(returning: nil) }
        for waiter in waiters { waiter.resume(returning: Self.stoppedOutcome) }
    }

    // MARK: Workers

    private func work() async {
        while let id = await nextBundle() {
            let outcome = await ingestor.reconcile(id)
            finish(id, outcome)
        }
    }

    private func nextBundle() async -> BundleID? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> BundleID?? in
                if state.closed { return .some(nil) }
                guard let id = state.waiting.popFirst() else {
                    state.idleWorkers.append(continuation)
                    return nil
                }
                Self.start(id, in: &state)
                return .some(id)
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func finish(_ id: BundleID, _ outcome: Outcome) {
        let (waiters, worker) = state.withLock { state in
            state.running.remove(id)
            state.completed += 1
            let waiters = state.currentRunWaiters.removeValue(forKey: id) ?? []
            var worker: CheckedContinuation<BundleID?, Never>?
            if state.runAgain.remove(id) != nil {
                worker = Self.schedule(id, urgent: state.nextRunWaiters[id] != nil, in: &state)
            }
            return (waiters, worker)
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
        worker?.resume(returning: id)
    }

    // MARK: State transitions (under the lock)

    /// Queues `id` unless it is queued already (at the front when `urgent`); returns an idle worker to
    /// hand it to directly, if any.
    private static func schedule(_ id: BundleID, urgent: Bool, in state: inout State) -> CheckedContinuation<BundleID?, Never>? {
        if state.running.contains(id) {
            state.runAgain.insert(id)
            return nil
        }
        if state.queued.contains(id) {
            if urgent, let index = state.waiting.firstIndex(of: id), index != state.waiting.startIndex {
                state.waiting.remove(at: index)
                state.waiting.prepend(id)
            }
            return nil
        }
        if !state.idleWorkers.isEmpty {
            let worker = state.idleWorkers.removeFirst()
            start(id, in: &state)
            return worker
        }
        state.queued.insert(id)
        if urgent { state.waiting.prepend(id) } else { state.waiting.append(id) }
        return nil
    }

    private static func start(_ id: BundleID, in state: inout State) {
        state.queued.remove(id)
        state.running.insert(id)
        if let waiters = state.nextRunWaiters.removeValue(forKey: id) {
            state.currentRunWaiters[id, default: []].append(contentsOf: waiters)
        }
    }

    private static let stoppedOutcome = Outcome(
        state: .pending, reason: "the service is stopping", changed: false, interruption: .serviceStopping)
}
