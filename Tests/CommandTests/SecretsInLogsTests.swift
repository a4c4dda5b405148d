import Foundation
import TestSupport
import Testing

/// Secrets never reach the service's log, even at trace: the service's token, passwords (right and
/// wrong), login tokens, API keys and Subsonic's md5 tokens, sent every way the API and `/rest` take them.
@Suite("Secrets in the service's log")
struct SecretsInLogsTests {
    static let token = "log-check-token-0123456789abcdef"
    static let password = "correct-horse-battery-staple"
    static let wrongPassword = "tr0ub4dor-and-3"

    func curl(_ arguments: [String]) throws -> String {
        try Fixtures.run("curl", ["-sS"] + arguments).standardOutput
    }

    @Test("at trace, a run of logins, keys, uploads and Subsonic calls logs none of the secrets it used")
    func noSecretLogged() async throws {
        let library = try Fixtures.temporaryDirectory("log-check")
        let server = try await ServeProcess(["--library", library.path, "--demo", "--token", Self.token, "--log-level", "trace"])
        defer { server.stop() }
        let url = server.url
        let json = ["-H", "Content-Type: application/json"]
        _ = try curl(["-H", "Authorization: Bearer \(Self.token)"] + json + ["-d", #"{"name":"ann","password":"\#(Self.password)"}"#, url + "/users"])
        let login = try JSONSerialization.jsonObject(with: Data(try curl(json + ["-d", #"{"name":"ann","password":"\#(Self.password)"}"#, url + "/login"]).utf8))
        let loginToken = try #require((login as? [String: Any])?["token"] as? String)
        _ = try curl(json + ["-d", #"{"name":"ann","password":"\#(Self.wrongPassword)"}"#, url + "/login"])
        let created = try JSONSerialization.jsonObject(with: Data(try curl(["-H", "Authorization: Bearer \(loginToken)"] + json + ["-d", #"{"name":"laptop"}"#, url + "/me/keys"]).utf8))
        let apiKey = try #require((created as? [String: Any])?["key"] as? String)
        _ = try curl(["-H", "Authorization: Bearer \(apiKey)", url + "/me"])
        _ = try curl(["-u", "ann:\(Self.password)", url + "/me"])
        _ = try curl(["-u", "ann:\(Self.wrongPassword)", url + "/me"])
        let salt = "c19b2d"
        let md5 = try Fixtures.run("sh", ["-c", "printf %s '\(Self.password)\(salt)' | md5sum | cut -d' ' -f1"]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let hex = Self.password.utf8.map { String(format: "%02x", $0) }.joined()
        for query in ["u=ann&p=\(Self.password)", "u=ann&p=enc:\(hex)", "u=ann&t=\(md5)&s=\(salt)", "apiKey=\(apiKey)", "u=ann&p=\(Self.wrongPassword)"] {
            _ = try curl([url + "/rest/ping.view?v=1.16.1&c=test&f=json&" + query])
        }
        let bundle = try Fixtures.temporaryDirectory("log-check-bundle")
        try Fixtures.bundleJSON(title: "Logged", artist: "Nobody", genre: 1).write(to: bundle.appendingPathComponent("logged.json"))
        _ = try curl(["-X", "PUT", "-H", "Authorization: Bearer \(Self.token)", "--data-binary", "@" + bundle.appendingPathComponent("logged.json").path,
                      url + "/bundles/logged/logged.json"])
        _ = try curl(["-X", "POST", "-H", "Authorization: Bearer \(loginToken)", url + "/logout"])

        let log = server.stop().log
        #expect(log.contains(" trace termplayer:"), "the log was written at trace: \(log.prefix(300))")
        let secrets = [
            ("the service's token", Self.token), ("the password", Self.password), ("a wrong password", Self.wrongPassword),
            ("a login token", loginToken), ("an API key", apiKey), ("the md5 token", md5), ("the hex password", hex),
        ]
        for (what, secret) in secrets {
            #expect(!log.contains(secret), "\(what) is in the log")
        }
    }
}
