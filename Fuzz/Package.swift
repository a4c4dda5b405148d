// swift-tools-version:6.1
import PackageDescription

/// libFuzzer harnesses for every parser that reads outside input (issue 14). Its own package, so the main
/// build never links libFuzzer; `scripts/fuzz.sh` builds it with `-sanitize=fuzzer,address` and runs it.
let package = Package(
    name: "TermPlayerFuzz",
    dependencies: [
        .package(name: "TermPlayer", path: ".."),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        /// libFuzzer's driver, which `-sanitize=fuzzer` links: one declaration, as the other C libraries have.
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(
            name: "TermPlayerFuzz",
            dependencies: [
                "CLibFuzzer",
                .product(name: "TermPlayerParsers", package: "TermPlayer"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("InternalImportsByDefault")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
