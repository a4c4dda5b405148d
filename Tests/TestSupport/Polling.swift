/// Polls until `condition` holds or `timeout` passes, for what arrives asynchronously (an ingest, a
/// message deleted); returns the last answer. `interval` spares a busy server (moto) the polling.
public func eventually(
    within timeout: Duration, polling interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
