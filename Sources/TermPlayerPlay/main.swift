import HeadlessPlayback

#if canImport(Glibc)
import Glibc
#endif

// `termplayer play` hands over to this small process once it knows what to play: without the library
// service, Foundation and the UI linked in, headless playback stays under 30 MB resident.
do {
    let playback = try HeadlessPlayback(arguments: Array(CommandLine.arguments.dropFirst()))
    exit(playback.run())
} catch {
    let usage = "usage: termplayer-play [--output pulse|null|wav:PATH] [--start SECONDS] [--commands] URL…"
    Console.write("termplayer-play: \(error)\n\(usage)\n", to: STDERR_FILENO)
    exit(64)  // EX_USAGE
}
