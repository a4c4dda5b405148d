import OSThreads
import Synchronization

/// Everything that crosses between the engine's thread and the rest: commands in, snapshots and events
/// out, and the wake-up the engine sleeps on. Nothing here blocks a caller for longer than a lock.
final class EngineMailbox: Sendable {
    private let wakeup = WakeupSignal()
    private let commands = Mutex<[PlayerCommand]>([])
    private let snapshot = Mutex(PlayerSnapshot())
    private let events = Mutex<[PlayerEvent]>([])
    private let onChange: @Sendable () -> Void

    init(onChange: @escaping @Sendable () -> Void) {
        self.onChange = onChange
    }

    // MARK: Callers' side

    func send(_ command: PlayerCommand) {
        commands.withLock { $0.append(command) }
        wakeup.signal()
    }

    var currentSnapshot: PlayerSnapshot { snapshot.withLock { $0 } }

    func drainEvents() -> [PlayerEvent] {
        events.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }

    // MARK: The engine's side

    func takeCommands() -> [PlayerCommand] {
        commands.withLock { commands in
            defer { commands.removeAll() }
            return commands
        }
    }

    func wake() { wakeup.signal() }

    func wait(timeout: Duration?) { wakeup.wait(timeout: timeout) }

    func post(_ event: PlayerEvent) {
        events.withLock { $0.append(event) }
        onChange()
    }

    /// Stores the engine's latest state; tells the UI only when something other than the clock moved.
    func publish(_ new: PlayerSnapshot) {
        let changed = snapshot.withLock { stored in
            defer { stored = new }
            var old = stored
            old.position = new.position
            old.buffered = new.buffered
            old.duration = new.duration
            return old != new
        }
        if changed { onChange() }
    }
}
