import Foundation
import TestSupport
import Testing

/// The API attacked from its own contract: schemathesis (PyPI) reads the live service's `/openapi.json`
/// and sends every operation examples, boundary cases, fuzzed and schema-violating requests and chains of
/// them, with every check it has. Any 500, answer outside the schema, undocumented status, schema-valid
/// request refused or invalid one accepted fails the test. `Tests/Tools/schemathesis.toml` lists the few
/// rules JSON Schema cannot state. `make bench` runs the same with many more examples.
@Suite("The API against its OpenAPI document (schemathesis)")
struct ContractTests {
    static let token = "contract-token-0123456789"

    static func attack(_ url: String, token: String?, examples: Int) throws -> Fixtures.ProcessResult {
        let config = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/schemathesis.toml").path
        var arguments = [
            "--config-file", config, "run", url + "/openapi.json", "--checks", "all", "--exclude-checks", "ignored_auth",
            "--max-examples", String(examples),
            // A fixed seed: a failure found once is found again by the next run.
            "--seed", "20261204", "--no-color", "--output-sanitize", "false",
        ]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        return try Fixtures.runAllowingFailure("schemathesis", arguments)
    }

    static func songCount(_ url: String) throws -> Int {
        let listing = try Fixtures.run("curl", ["-sS", url + "/songs"]).standardOutput
        return (try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [Any])?.count ?? -1
    }

    @Test("every operation, with the service's token and without it: no failure", arguments: [true, false])
    func attack(withToken: Bool) async throws {
        let library = try Fixtures.temporaryDirectory("contract")
        let server = try await ServeProcess(["--library", library.path, "--demo", "--token", Self.token])
        defer { server.stop() }
        let songs = try Self.songCount(server.url)
        let result = try await Fixtures.onOwnThread { try Self.attack(server.url, token: withToken ? Self.token : nil, examples: 6) }
        let lines = result.standardOutput.split(separator: "\n")
        let failures = lines.filter { $0.hasPrefix("- ST") || $0.hasPrefix("____") || $0.contains("curl ") || $0.contains("Invalid component") }
        let summary = (failures + lines.suffix(12)).joined(separator: "\n")
        #expect(result.status == 0, "schemathesis exited \(result.status):\n\(summary)\n\(result.standardError)")
        #expect(result.standardOutput.contains("Selected: 49/49"), "every operation was selected:\n\(summary)")
        if !withToken {
            // Every upload, deletion and account it tried without the token was refused.
            #expect(try Self.songCount(server.url) == songs)
            let users = try Fixtures.run("curl", ["-sS", "-H", "Authorization: Bearer \(Self.token)", server.url + "/users"]).standardOutput
            let accounts = try JSONSerialization.jsonObject(with: Data(users.utf8)) as? [[String: Any]]
            #expect(accounts?.compactMap { $0["name"] as? String } == ["local"], "only the implicit local listener: \(users)")
        }
        let log = server.stop().log
        #expect(!log.contains(Self.token), "the token is never logged")
    }
}
