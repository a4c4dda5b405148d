import HeadlessPlayback

#if canImport(Glibc)
import Glibc
#endif

/// `termplayer play` looks songs up with the full toolkit, then becomes `termplayer-play` (installed
/// beside it), which plays them with a third of the memory: no service, UI or Foundation mapped in.
enum PlayerHandOver {
    /// `termplayer-play` in the folder this executable runs from, if it is there.
    static var helperPath: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        let helper = String(executable[..<slash]) + "/termplayer-play"
        return access(helper, X_OK) == 0 ? helper : nil
    }

    /// Replaces this process with `termplayer-play` playing `playback`. Returns only if that failed,
    /// with errno's reason.
    static func exec(_ helper: String, _ playback: HeadlessPlayback) -> String {
        // The new program starts from a clean slate: default signal actions, nothing blocked.
        for number in [SIGINT, SIGTERM, SIGPIPE] { signal(number, SIG_DFL) }
        var nothingBlocked = sigset_t()
        sigemptyset(&nothingBlocked)
        pthread_sigmask(SIG_SETMASK, &nothingBlocked, nil)
        fflush(nil)

        let arguments = ["termplayer-play"] + playback.arguments
        var pointers = arguments.map { strdup($0) }
        pointers.append(nil)
        execv(helper, pointers)
        let reason = String(cString: strerror(errno))
        pointers.forEach { free($0) }
        return reason
    }
}
