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

            Listeners keep their own likes, ratings, history and playlists (`like`, `rate`, `history`, \
            `playlist`). Until the first account is added (`termplayer user add`), everyone on this machine \
            is its local listener; then each listener logs in with `termplayer login NAME`.

            Commands that talk to a service use --server URL, else TERMPLAYER_SERVER, else \
            \(ServiceLocation.defaultServer). They send --token, else TERMPLAYER_TOKEN; otherwise uploads \
            and `user` send the token file of the library on this machine (the owner's), and a listener's \
            commands send the login kept for that server, else that token file (acting as the local \
            listener); `user` falls back on the login (an admin's) when there is no token file.
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
            RadioCommand.self,
            RecommendCommand.self,
            SimilarCommand.self,
            SharingCommand.self,
            LikeCommand.self,
            UnlikeCommand.self,
            LikesCommand.self,
            RateCommand.self,
            HistoryCommand.self,
            PlaylistCommand.self,
            LoginCommand.self,
            LogoutCommand.self,
            UserCommand.self,
            APIKeyCommand.self,
            VersionCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )
}
