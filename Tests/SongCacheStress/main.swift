import CurlTransfer
import SongCache
#if canImport(Glibc)
import Glibc
#endif

// A second process on one song cache: fetches, plays, evicts and looks up at random, as another TUI
// would, and exits non-zero on any error other than a song that does not fit.
//   SongCacheStress DIRECTORY LIMIT-BYTES BASE-URL ROUNDS SONG-ID…

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 5, let limit = Int(arguments[arguments.startIndex + 1]), let rounds = Int(arguments[arguments.startIndex + 3]) else {
    print("usage: SongCacheStress DIRECTORY LIMIT-BYTES BASE-URL ROUNDS SONG-ID…")
    _exit(2)
}
let directory = arguments[arguments.startIndex]
let base = arguments[arguments.startIndex + 2]
let ids = Array(arguments.dropFirst(4))
let session = CurlSession(name: "stress")

func finish(_ status: Int32) -> Never {
    session.close()
    _exit(status)
}

do {
    let cache = try SongCache.open(directory: directory, limitBytes: limit)
    var fetched = 0
    for round in 0..<rounds {
        let id = ids[Int.random(in: 0..<ids.count)]
        switch round % 4 {
        case 0, 1:
            do {
                _ = try cache.fetch(songID: id, url: "\(base)/media/\(id).mp3", session: session)
                fetched += 1
            } catch .tooLarge {
                continue
            }
            try cache.notePlayed(id)
        case 2: try cache.evict()
        default: _ = try cache.file(for: id)
        }
    }
    print("ok \(fetched)")
    finish(0)
} catch {
    print("error: \(error)")
    finish(1)
}
