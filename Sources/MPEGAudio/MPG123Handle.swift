internal import CMpg123

/// Owns one libmpg123 decoder handle. Every call into libmpg123 goes through here or its extensions, so
/// error codes become `MPEGAudioError`s in one place.
final class MPG123Handle {
    let raw: OpaquePointer

    /// libmpg123 before 1.27 needs one process-wide initialisation; later versions ignore it.
    private static let initialised: Bool = mpg123_init() == MPG123_OK.rawValue

    init(flags: UInt32) throws(MPEGAudioError) {
        _ = Self.initialised
        var code: Int32 = 0
        guard let handle = mpg123_new(nil, &code) else {
            throw .library(operation: "mpg123_new", code: code, message: Self.message(for: code))
        }
        raw = handle
        try check(mpg123_param2(raw, Int32(MPG123_ADD_FLAGS.rawValue), Int(flags | MPG123_QUIET.rawValue), 0), "mpg123_param")
    }

    deinit {
        mpg123_close(raw)
        mpg123_delete(raw)
    }

    /// Turns a libmpg123 return code into a thrown error carrying the library's own sentence.
    func check(_ code: Int32, _ operation: String) throws(MPEGAudioError) {
        guard code != MPG123_OK.rawValue else { return }
        let detail = code == MPG123_ERR.rawValue ? mpg123_errcode(raw) : code
        throw .library(operation: operation, code: detail, message: Self.message(for: detail))
    }

    /// The message libmpg123 has for a code, e.g. "Failed to find valid MPEG data within limit on resync."
    static func message(for code: Int32) -> String {
        guard let text = mpg123_plain_strerror(code) else { return "libmpg123 error \(code)" }
        return String(cString: text)
    }

    /// The API generation compiled against (libmpg123 1.31 has no run-time version call).
    static var apiVersion: Int { Int(MPG123_API_VERSION) }
}
