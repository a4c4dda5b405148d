import Synchronization

/// An answer that is costly to find and the same for everyone for a while: found once for all who ask
/// while it is being found, then kept for a lifetime before it is looked for again.
final class SharedAnswer<Value: Sendable>: Sendable {
    private enum State {
        case unknown
        case finding(Task<Value, Never>)
        case found(Value, at: ContinuousClock.Instant)
    }

    private enum Lookup {
        case known(Value)
        case wait(Task<Value, Never>)
    }

    private let state = Mutex(State.unknown)

    func answer(keptFor lifetime: Duration, find: @escaping @Sendable () async -> Value) async -> Value {
        let now = ContinuousClock.now
        let lookup = state.withLock { state -> Lookup in
            switch state {
            case .found(let value, let at) where now - at < lifetime:
                return .known(value)
            case .finding(let task):
                return .wait(task)
            case .unknown, .found:
                let task = Task {
                    let value = await find()
                    self.state.withLock { $0 = .found(value, at: .now) }
                    return value
                }
                state = .finding(task)
                return .wait(task)
            }
        }
        switch lookup {
        case .known(let value): return value
        case .wait(let task): return await task.value
        }
    }
}
