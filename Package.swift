// swift-tools-version:6.1
import PackageDescription

/// Settings every TermPlayer target shares: explicit `public import`s and no implicit existentials,
/// so a module's surface says exactly what it exposes.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Tests read better without listing every module a member comes from.
let testSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "TermPlayer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "termplayer", targets: ["TermPlayer"]),
        .executable(name: "termplayer-play", targets: ["TermPlayerPlay"]),
        .executable(name: "termplayer-reclab", targets: ["TermPlayerRecLab"]),
        /// Every module that parses outside input without a server around it, for the harnesses in `Fuzz/`.
        .library(
            name: "TermPlayerParsers",
            targets: ["LibraryModel", "WireFormats", "ListeningFormats", "MPEGAudio", "CoverArt", "TerminalArt"]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries from Debian, each behind one systemLibrary with a shim.h

        .systemLibrary(name: "CNcursesW", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CMpg123", pkgConfig: "libmpg123", providers: [.apt(["libmpg123-dev"])]),
        .systemLibrary(name: "CPulse", pkgConfig: "libpulse", providers: [.apt(["libpulse-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CChafa", pkgConfig: "chafa", providers: [.apt(["libchafa-dev", "libglib2.0-dev"])]),

        // MARK: Shapes both sides share

        .target(name: "LibraryModel", swiftSettings: strictSettings),
        /// Files other players and services exchange: M3U8 and XSPF playlists, ListenBrainz listens; and
        /// matching their entries to a library's songs.
        .target(name: "ListeningFormats", dependencies: ["LibraryModel"], swiftSettings: strictSettings),
        /// What the service reads off the wire before a handler runs: query strings, Subsonic parameters,
        /// `Range` headers, S3 event notifications. Kept apart from HTTP so `Fuzz/` can link them alone.
        .target(name: "WireFormats", dependencies: ["LibraryModel"], swiftSettings: strictSettings),

        // MARK: One Swift facade per C library

        /// Threads and a wake-up signal on pthreads, for the modules the Foundation-free player links.
        .target(name: "CSystemShims"),
        .target(name: "OSThreads", dependencies: ["CSystemShims"], swiftSettings: strictSettings),

        .target(
            name: "MPEGAudio",
            dependencies: ["CMpg123", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strictSettings
        ),
        /// Covers: JPEG (TurboJPEG) and PNG (libpng) decoded with a pixel limit, scaled, encoded again.
        .target(name: "CoverArt", dependencies: ["CTurboJPEG", "CPNG"], swiftSettings: strictSettings),
        /// Covers as terminals show them: half-blocks, kitty graphics (and its Unicode placeholders), iTerm2
        /// inline images, sixel (libchafa); tmux passthrough; reading what a terminal answers to queries.
        .target(name: "TerminalArt", dependencies: ["CoverArt", "CChafa"], swiftSettings: strictSettings),
        .target(
            name: "CurlTransfer",
            dependencies: ["CCurl", "OSThreads", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strictSettings
        ),

        // MARK: Client side

        .target(name: "APIClient", dependencies: ["LibraryModel", "CurlTransfer", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictSettings),
        .target(
            name: "PlayerCore",
            dependencies: ["MPEGAudio", "CurlTransfer", "CPulse", "OSThreads", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strictSettings
        ),

        /// Headless playback, in the `termplayer-play` process `termplayer play` hands over to. Nothing
        /// here may link Foundation: it is what keeps that process small.
        .target(name: "HeadlessPlayback", dependencies: ["PlayerCore", "CurlTransfer", "OSThreads"], swiftSettings: strictSettings),
        .executableTarget(
            name: "TermPlayerPlay",
            dependencies: ["HeadlessPlayback"],
            swiftSettings: strictSettings,
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),

        /// The offline song cache (issue 12): recently played and pinned songs on disk within a size limit,
        /// indexed in SQLite (GRDB) that several TUIs share, downloaded with libcurl.
        .target(
            name: "SongCache",
            dependencies: ["CurlTransfer", "OSThreads", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),

        /// The terminal UI's logic: state, reducer, keymap, and rendering to a text frame. No terminal
        /// here, so tests drive it directly; the ncurses layer lives in `TermPlayer`.
        .target(name: "TerminalUI", dependencies: ["LibraryModel", "PlayerCore", "TerminalArt"], swiftSettings: strictSettings),
        /// The UI's local copy of the library and the outbox of changes made offline, in SQLite under
        /// `$XDG_CACHE_HOME/termplayer`: the library shows before the network answers, and without it.
        .target(
            name: "LibraryCache", dependencies: ["LibraryModel", "TerminalUI", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),

        // MARK: The bundled library service

        /// AWS Signature Version 4 for the S3 bucket store (issue 5), signed with swift-crypto.
        .target(name: "AWSSigning", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictSettings),
        /// The two AWS APIs the scaled-out service speaks, S3 and SQS, over AsyncHTTPClient: requests signed,
        /// responses and errors decoded. Works against AWS and S3/SQS-compatible servers alike.
        .target(
            name: "AWSClients",
            dependencies: [
                "AWSSigning",
                "LibraryModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: The catalog: its records and every query and migration written once, and one small engine
        // module per database

        .target(name: "Catalog", dependencies: ["LibraryModel"], swiftSettings: strictSettings),
        /// Recommendations from plays, likes, ratings and metadata alone: session neighbours, followers,
        /// content, and the rules every list keeps. No I/O and no Foundation; the service feeds it.
        .target(name: "Recommender", swiftSettings: strictSettings),
        /// The recommender's evaluation lab: a seeded listener simulator, a split by time, baselines, and
        /// HitRate/NDCG/coverage with bootstrap intervals. Only the lab's command and tests link it.
        .target(name: "RecommenderLab", dependencies: ["Recommender"], swiftSettings: strictSettings),
        .executableTarget(
            name: "TermPlayerRecLab",
            dependencies: ["RecommenderLab", "Recommender", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CatalogSQLite",
            dependencies: ["Catalog", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CatalogPostgres",
            dependencies: [
                "Catalog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // For `ConnectionPoolError`, which `PostgresClient` throws as it is rather than as a `PSQLError`.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        /// The (Open)Subsonic API at `/rest` (issue 13): parameters, the envelope in XML, JSON and JSONP, auth, and
        /// every method, over the catalog and a backend the service provides (accounts, bytes, scans, recommender).
        .target(
            name: "SubsonicAPI",
            dependencies: [
                "Catalog",
                "LibraryModel",
                "WireFormats",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        .target(
            name: "LibraryServer",
            dependencies: [
                "LibraryModel",
                "WireFormats",
                "SubsonicAPI",
                "MPEGAudio",
                "AWSClients",
                "Catalog",
                "CatalogSQLite",
                "CatalogPostgres",
                "Recommender",
                "ListeningFormats",
                "OSThreads",
                "CoverArt",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: The command

        .executableTarget(
            name: "TermPlayer",
            dependencies: [
                "LibraryModel",
                "LibraryServer",
                "Catalog",
                "ListeningFormats",
                "APIClient",
                "PlayerCore",
                "HeadlessPlayback",
                "TerminalUI",
                "LibraryCache",
                "SongCache",
                "OSThreads",
                "MPEGAudio",
                "CurlTransfer",
                "CoverArt",
                "TerminalArt",
                "CNcursesW",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Tests

        .testTarget(name: "LibraryModelTests", dependencies: ["LibraryModel"], swiftSettings: testSettings),
        .testTarget(name: "ListeningFormatsTests", dependencies: ["ListeningFormats", "LibraryModel"], swiftSettings: testSettings),
        .testTarget(name: "MPEGAudioTests", dependencies: ["MPEGAudio", "TestSupport"], swiftSettings: testSettings),
        .testTarget(name: "CoverArtTests", dependencies: ["CoverArt", "TestSupport"], swiftSettings: testSettings),
        .testTarget(name: "TerminalArtTests", dependencies: ["TerminalArt", "CoverArt", "TestSupport"], swiftSettings: testSettings),
        .testTarget(
            name: "CatalogTests",
            dependencies: [
                "Catalog", "CatalogSQLite", "CatalogPostgres", "LibraryModel", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "LibraryServerTests",
            dependencies: [
                "LibraryServer",
                "SubsonicAPI",
                "LibraryModel",
                "WireFormats",
                "Catalog",
                "CatalogSQLite",
                "CoverArt",
                "AWSClients",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "APIClientTests",
            dependencies: [
                "APIClient", "LibraryServer", "LibraryModel", "CoverArt", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "PlayerTests",
            dependencies: [
                "PlayerCore", "HeadlessPlayback", "MPEGAudio", "CurlTransfer", "LibraryServer", "LibraryModel", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(name: "RecommenderTests", dependencies: ["RecommenderLab", "Recommender"], swiftSettings: testSettings),
        .testTarget(name: "AWSSigningTests", dependencies: ["AWSSigning"], swiftSettings: testSettings),
        .testTarget(name: "AWSClientsTests", dependencies: ["AWSClients", "TestSupport"], swiftSettings: testSettings),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "PlayerCore", "LibraryModel"], swiftSettings: testSettings),
        .testTarget(name: "LibraryCacheTests", dependencies: ["LibraryCache", "TerminalUI", "LibraryModel", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: testSettings),
        .testTarget(
            name: "CommandTests",
            dependencies: ["LibraryModel", "TestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SongCacheTests",
            dependencies: [
                "SongCache", "CurlTransfer", "PlayerCore", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testSettings
        ),
        /// A second process on one song cache, for SongCacheTests' two-process test.
        .executableTarget(name: "SongCacheStress", dependencies: ["SongCache", "CurlTransfer"], path: "Tests/SongCacheStress", swiftSettings: testSettings),
        .target(name: "TestSupport", dependencies: ["CoverArt"], path: "Tests/TestSupport", swiftSettings: testSettings),
    ],
    swiftLanguageModes: [.v6]
)
