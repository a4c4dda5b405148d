import ArgumentParser
import LibraryModel

@main
struct TermPlayerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "termplayer",
        abstract: "A terminal music player with its own music-library service.",
        discussion: """
            `termplayer` alone opens the terminal UI: browse by genre, artist, album or search, and play, \
            all from the keyboard (? lists the keys). With no service configured it runs one inside itself \
            over your local library.

            The library service keeps song bundles (<id>.json + <id>.mp3 + optional <id>.jpg) in a bucket, \
            ingests them into a catalog and serves them over a REST API. `termplayer serve` runs it on its \
            own; add music with `termplayer upload` or `termplayer import`.

            Commands that talk to a service use --server URL, else TERMPLAYER_SERVER, else \
            \(ServiceLocation.defaultServer). Writes need the service's token: --token, else TERMPLAYER_TOKEN, \
            else the token file of the library on this machine.
            """,
        version: TermPlayerVersion.current,
        subcommands: [
            UICommand.self,
            ServeCommand.self,
            UploadCommand.self,
            ImportCommand.self,
            SongsCommand.self,
            GenresCommand.self,
            StatusCommand.self,
            PlayCommand.self,
            VersionCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )
}
