internal import CPulse

/// The linked PulseAudio client library.
public enum PulseAudioLibrary {
    /// e.g. "16.1.0".
    public static var version: String { String(cString: pa_get_library_version()) }
}
