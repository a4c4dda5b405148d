import CSystemShims

public enum SystemMemory {
    /// Returns memory freed after a burst of allocations (a big listing decoded and indexed) to the
    /// system, so resident memory is what is kept rather than the burst's high-water mark.
    public static func releaseFreed() {
        tp_release_free_memory()
    }
}
