import ArgumentParser
import CurlTransfer
import LibraryModel
import MPEGAudio
import PlayerCore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the versions of TermPlayer and the C libraries it is linked with."
    )

    func run() {
        print("termplayer \(TermPlayerVersion.current)")
        print("  \(CurlSession.libraryVersion)")
        print("  \(MP3Probe.libraryDescription)")
        print("  libpulse \(PulseAudioLibrary.version)")
        print("  \(CursesScreen.libraryVersion)")
    }
}
