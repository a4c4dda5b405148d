internal import CPulse

/// The linked PulseAudio client library. The playback engine itself arrives with the PlayerCore issue;
/// this is here so the module links against libpulse from the first build.
public enum PulseAudioLibrary {
    /// e.g. "16.1.0".
    public static var version: String { String(cString: pa_get_library_version()) }
}
