import CSystemShims

public enum SystemMemory {
    /// Blocks of 256 KiB and more get mappings of their own, returned to the system when freed: a UI
    /// that builds and drops 100,000-entry lists as you type keeps a steady footprint.
    public static func mapLargeAllocations() {
        tp_map_large_allocations()
    }

    /// At most `count` malloc arenas, so memory one thread frees is reused by the others instead of being
    /// kept per thread. Call before threads start.
    public static func limitArenas(to count: Int) {
        tp_limit_arenas(Int32(clamping: count))
    }

    /// Returns memory freed after a burst of allocations (a big listing decoded and indexed) to the
    /// system, so resident memory is what is kept rather than the burst's high-water mark.
    public static func releaseFreed() {
        tp_release_free_memory()
    }
}
