import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LibraryModel
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A library spread over the test services as it would be over AWS: a bucket that notifies a queue of
/// every `.json` (set up with boto3, as a user sets up AWS), a dead-letter queue, a PostgreSQL database.
/// Replicas are real `termplayer serve` processes sharing all three.
struct ScaledLibrary {
    let bucket: String
    let queueURL: String
    let deadLetterQueueURL: String
    let databaseURL: String
    let environment: [String: String]
    static let token = "replica-token-0123456789"

    /// `visibilityTimeout`: how long a received message stays hidden, so how soon a killed replica's
    /// messages reach another one.
    init(visibilityTimeout: Int = 30) throws {
        guard let endpoint = TestServices.awsEndpoint, let postgres = TestServices.postgresURL else {
            throw Fixtures.FixtureError.missing("\(TestServices.missingAWS); \(TestServices.missingPostgres)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(TestServices.awsEnvironment(endpoint: endpoint)) { $1 }
        self.environment = environment
        bucket = TestServices.uniqueName("replicas")
        let setup = try Fixtures.run(
            "python3",
            [Self.script, "setup", "--bucket", bucket, "--queue", bucket, "--dead-letter-queue", bucket + "-dlq",
             "--prefix", "library/", "--visibility-timeout", String(visibilityTimeout)],
            environment: environment)
        let urls = try JSONDecoder().decode([String: String].self, from: Data(setup.standardOutput.utf8))
        guard let queue = urls["queue"], let deadLetters = urls["deadLetterQueue"] else {
            throw Fixtures.FixtureError.missing("queue URLs in \(setup.standardOutput)")
        }
        queueURL = queue
        deadLetterQueueURL = deadLetters
        let database = bucket.replacingOccurrences(of: "-", with: "_")
        var psqlEnvironment = environment
        psqlEnvironment["PGPASSWORD"] = "termplayer"
        try Fixtures.run("psql", [postgres, "-qc", "CREATE DATABASE \(database)"], environment: psqlEnvironment)
        databaseURL = String(postgres[..<(postgres.lastIndex(of: "/") ?? postgres.endIndex)]) + "/" + database
    }

    static var script: String { Fixtures.repositoryRoot.appendingPathComponent("scripts/s3-library.py").path }

    /// Replicas share the key listeners' passwords are sealed with, as a deployment must.
    static let passwordKey = String(repeating: "5e", count: 32)

    /// A `termplayer serve` over the shared library, with a local folder of its own for nothing but staging.
    func replica(_ extra: [String] = []) async throws -> ServeProcess {
        try await ServeProcess(
            ["--library", try Fixtures.temporaryDirectory("replica").path, "--storage", "s3://\(bucket)/library",
             "--database", databaseURL, "--events", queueURL, "--dead-letter-queue", deadLetterQueueURL,
             "--token", Self.token] + extra,
            environment: environment.merging(["TERMPLAYER_PASSWORD_KEY": Self.passwordKey]) { $1 })
    }

    /// Uploads bundles with boto3 in the original order: JSON, then cover, then MP3.
    func upload(_ bundles: [URL]) throws {
        try Fixtures.run("python3", [Self.script, "upload", "--bucket", bucket, "--prefix", "library/"] + bundles.map(\.path), environment: environment)
    }

    func send(_ body: String) throws {
        try Fixtures.run("python3", [Self.script, "send", "--queue", queueURL, body], environment: environment)
    }

    /// Messages waiting or in flight on a queue.
    func messages(on queue: String) throws -> Int {
        let program = """
            import boto3, sys
            sqs = boto3.session.Session(region_name="us-east-1").client("sqs")
            a = sqs.get_queue_attributes(QueueUrl=sys.argv[1], AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            print(int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"]))
            """
        let output = try Fixtures.run("python3", ["-c", program, queue], environment: environment).standardOutput
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The dead-letter queue's messages: body and the reason the service gave.
    func deadLetters() throws -> [(body: String, reason: String)] {
        let program = """
            import boto3, json, sys
            sqs = boto3.session.Session(region_name="us-east-1").client("sqs")
            found = []
            while True:
                r = sqs.receive_message(QueueUrl=sys.argv[1], MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0, VisibilityTimeout=60)
                if not r.get("Messages"): break
                found += [[m["Body"], m.get("MessageAttributes", {}).get("termplayer-reason", {}).get("StringValue", "")] for m in r["Messages"]]
            print(json.dumps(found))
            """
        let output = try Fixtures.run("python3", ["-c", program, deadLetterQueueURL], environment: environment).standardOutput
        return try JSONDecoder().decode([[String]].self, from: Data(output.utf8)).map { ($0.first ?? "", $0.last ?? "") }
    }

    /// An S3 ObjectCreated notification for `key`, as S3 would send it (the key form-URL-encoded).
    func event(for key: String) -> String {
        let encoded = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~/")))?
            .replacingOccurrences(of: "%20", with: "+") ?? key
        return S3Events.created([encoded], bucket: bucket)
    }
}

/// Bundles on disk for the uploads: a short tone each, distinct titles.
enum ReplicaBundles {
    static func make(_ count: Int, prefix: String = "song") throws -> [URL] {
        let folder = try Fixtures.temporaryDirectory("replica-bundles")
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.3))
        return try (0..<count).map { index in
            let base = folder.appendingPathComponent(String(format: "%@-%03d", prefix, index))
            try Fixtures.bundleJSON(title: "Replica Song \(index)", artist: "The Replicas", genre: 5).write(to: base.appendingPathExtension("json"))
            try mp3.write(to: base.appendingPathExtension("mp3"))
            return base
        }
    }
}

extension ServeProcess {
    func get(_ path: String, headers: [String: String] = [:]) async throws -> (status: Int, body: Data, headers: [String: String]) {
        try await request("GET", path, headers: headers)
    }

    func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:]) async throws -> (status: Int, body: Data, headers: [String: String]) {
        var request = URLRequest(url: try #require(URL(string: url + path)))
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name)".lowercased()] = "\(value)" }
        return (http?.statusCode ?? 0, data, fields)
    }

    func songIDs() async throws -> Set<String> {
        let songs = try JSONSerialization.jsonObject(with: try await get("/songs").body) as? [[String: Any]] ?? []
        return Set(songs.compactMap { $0["id"] as? String })
    }

    func status() async throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try await get("/status").body) as? [String: Any] ?? [:]
    }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    func eventually(within timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        try await TestSupport.eventually(within: timeout, polling: .milliseconds(200), condition)
    }
}

@Suite(
    "Scaled out: S3 + SQS + PostgreSQL, several replicas",
    .serialized,
    .enabled(if: TestServices.awsEndpoint != nil && TestServices.postgresURL != nil, Comment(rawValue: TestServices.missingAWS))
)
struct ScaledOutTests {
    @Test("a bundle uploaded JSON-first with boto3 is listed by two replicas; its MP3 streams in ranges through either")
    func uploadSeenByTwoReplicas() async throws {
        let library = try ScaledLibrary()
        let first = try await library.replica()
        defer { first.stop() }
        let second = try await library.replica()
        defer { second.stop() }
        let bundle = try ReplicaBundles.make(1)[0]
        try library.upload([bundle])

        let id = bundle.lastPathComponent
        #expect(try await first.eventually { try await first.songIDs() == [id] }, "replica 1 lists the song")
        #expect(try await second.songIDs() == [id], "replica 2 lists it from the shared catalog")

        let mp3 = try Data(contentsOf: bundle.appendingPathExtension("mp3"))
        let ranged = try await second.get("/media/\(id).mp3", headers: ["Range": "bytes=100-1123"])
        #expect(ranged.status == 206)
        #expect(ranged.body == mp3[100...1123])
        #expect(ranged.headers["content-range"] == "bytes 100-1123/\(mp3.count)")
        let tail = try await first.get("/media/\(id).mp3", headers: ["Range": "bytes=-500"])
        #expect(tail.status == 206 && tail.body == mp3.suffix(500))
        let whole = try await first.get("/media/\(id).mp3")
        #expect(whole.status == 200 && whole.body == mp3)
        #expect(try await first.eventually { try library.messages(on: library.queueURL) == 0 }, "the event was deleted once ingested")

        // One feed, whichever replica serves it; a long-poll on one wakes for a change made through the other.
        var feeds: [ChangePage] = []
        for replica in [first, second] {
            feeds.append(try JSONDecoder().decode(ChangePage.self, from: try await replica.get("/changes?since=0&wait=0").body))
        }
        // (Media URLs name the replica asked, so compare what changed, where.)
        let summaries = feeds.map { feed in feed.changes.map { "\($0.position) \($0.kind) \($0.id) \($0.song?.title ?? "-")" } + ["next \(feed.next)"] }
        #expect(summaries[0] == summaries[1] && feeds[0].changes.contains { $0.kind == .song && $0.id == id }, "\(summaries)")
        async let waited = second.get("/changes?since=\(feeds[0].next)&wait=20")
        try await Task.sleep(for: .milliseconds(300))
        let deleted = try await first.request("DELETE", "/bundles/\(id)", token: ScaledLibrary.token)
        #expect(deleted.status == 200)
        let woke = try JSONDecoder().decode(ChangePage.self, from: try await waited.body)
        #expect(woke.changes.contains { $0.id == id && $0.isRemoval }, "\(woke)")
    }

    @Test("a listener signed in through one replica is the same listener on another: likes, plays and playlist versions are shared")
    func listenerAcrossReplicas() async throws {
        let library = try ScaledLibrary()
        let first = try await library.replica()
        defer { first.stop() }
        let second = try await library.replica()
        defer { second.stop() }
        let bundles = try ReplicaBundles.make(2, prefix: "listen")
        try library.upload(bundles)
        #expect(try await first.eventually { try await first.songIDs().count == 2 })
        let ids = bundles.map(\.lastPathComponent)
        let config = try Fixtures.temporaryDirectory("replica-listener")
        func termplayer(_ arguments: [String], at replica: ServeProcess, input: String? = nil) throws -> Fixtures.ProcessResult {
            try Fixtures.runAllowingFailure(
                try TermPlayerBinary.path, arguments + ["--server", replica.url],
                environment: library.environment.merging(["XDG_CONFIG_HOME": config.path, "TERMPLAYER_TOKEN": ""]) { $1 },
                input: input.map { Data($0.utf8) })
        }
        #expect(try termplayer(["user", "add", "ann", "--password-stdin", "--token", ScaledLibrary.token], at: first, input: "secret\n").status == 0)
        // Signed in through the second replica; the login is kept for its URL and used there.
        #expect(try termplayer(["login", "ann"], at: second, input: "secret\n").status == 0)
        #expect(try termplayer(["like", ids[0]], at: second).status == 0)
        #expect(try termplayer(["playlist", "create", "Shared", ids[0], ids[1]], at: second).status == 0)
        // The token works on the first replica too: the login lives in the shared catalog.
        let logins = try JSONSerialization.jsonObject(with: Data(contentsOf: config.appendingPathComponent("termplayer/logins"))) as? [String: [String: Any]]
        let token = try #require(logins?.values.first?["token"] as? String)
        let liked = try termplayer(["likes", "--json", "--token", token], at: first)
        #expect(try JSONDecoder().decode([Song].self, from: Data(liked.standardOutput.utf8)).map(\.id) == [ids[0]], "\(liked.standardError)")
        let moved = try termplayer(["playlist", "mv", "Shared", "1", "2", "--token", token], at: first)
        #expect(moved.status == 0, "\(moved.standardError)")
        let shown = try termplayer(["playlist", "show", "Shared", "--json"], at: second)
        let detail = try JSONDecoder().decode(PlaylistDetail.self, from: Data(shown.standardOutput.utf8))
        #expect(detail.entries.map(\.songId) == [ids[1], ids[0]])
        #expect(detail.playlist.version == 2, "one version, whichever replica edited")
        // Each replica builds its recommendations from the shared catalog: the same answers from either.
        for arguments in [["recommend", "--json"], ["similar", ids[0], "--json"]] {
            let answers = try [first, second].map { replica in
                let result = try termplayer(arguments + ["--token", token], at: replica)
                #expect(result.status == 0, "\(result.standardError)")
                return try JSONDecoder().decode([Suggestion].self, from: Data(result.standardOutput.utf8)).map { "\($0.song.id) \($0.reason)" }
            }
            #expect(!answers[0].isEmpty && answers[0] == answers[1], "\(arguments[0]): \(answers)")
        }
    }

    @Test("the same event delivered twice leaves one song and an empty queue")
    func duplicateDelivery() async throws {
        let library = try ScaledLibrary()
        let replica = try await library.replica()
        defer { replica.stop() }
        let bundle = try ReplicaBundles.make(1, prefix: "twice")[0]
        try library.upload([bundle])
        let id = bundle.lastPathComponent
        #expect(try await replica.eventually { try await replica.songIDs() == [id] })

        try library.send(library.event(for: "library/\(id).json"))
        try library.send(library.event(for: "library/\(id).json"))
        #expect(try await replica.eventually { try library.messages(on: library.queueURL) == 0 }, "both copies consumed")
        #expect(try await replica.songIDs() == [id])
        let status = try await replica.status()
        #expect(status["songs"] as? Int == 1)
        #expect((status["problems"] as? [Any])?.isEmpty == true, "\(status)")
        #expect(try library.deadLetters().isEmpty)
    }

    @Test("a replica killed mid-batch loses nothing: another one finishes the batch")
    func killedReplica() async throws {
        // Received messages reappear 3 s after a replica dies without deleting them.
        let library = try ScaledLibrary(visibilityTimeout: 3)
        let bundles = try ReplicaBundles.make(40, prefix: "batch")
        let doomed = try await library.replica(["--workers", "1"])
        try library.upload(bundles)
        #expect(try await doomed.eventually { try await doomed.songIDs().count >= 1 }, "ingest has begun")
        let listedBeforeKill = try await doomed.songIDs().count
        kill(doomed.process.processIdentifier, SIGKILL)
        #expect(listedBeforeKill < bundles.count, "killed mid-batch, with \(listedBeforeKill) of \(bundles.count) ingested")
        let stopped = doomed.stop()
        #expect(stopped.status == SIGKILL)
        let survivor = try await library.replica()
        defer { survivor.stop() }
        let expected = Set(bundles.map(\.lastPathComponent))
        #expect(try await survivor.eventually(within: .seconds(60)) { try await survivor.songIDs() == expected }, "all 40 songs listed")
        #expect(try await survivor.eventually { try library.messages(on: library.queueURL) == 0 })
        #expect(try library.deadLetters().isEmpty)
    }

    @Test("a malformed event and a poison message are dead-lettered with their reasons; the queue keeps flowing")
    func malformedAndPoison() async throws {
        let library = try ScaledLibrary(visibilityTimeout: 2)
        let replica = try await library.replica()
        defer { replica.stop() }
        try library.send("this is not an S3 event")
        // A well-formed notification for an object name that can never be a bundle's: a poison message.
        try library.send(library.event(for: "library/My Song.json"))
        let good = try ReplicaBundles.make(1, prefix: "after")[0]
        try library.upload([good])
        #expect(try await replica.eventually { try await replica.songIDs() == [good.lastPathComponent] }, "the good bundle is not held up")

        #expect(try await replica.eventually(within: .seconds(60)) { try library.messages(on: library.queueURL) == 0 })
        let letters = try library.deadLetters()
        #expect(letters.count == 2, "\(letters)")
        #expect(letters.contains { $0.body == "this is not an S3 event" && !$0.reason.isEmpty })
        #expect(letters.contains { $0.body.contains("My+Song.json") && !$0.reason.isEmpty })
        let problems = try await replica.status()["problems"] as? [[String: Any]] ?? []
        #expect(problems.count == 2, "both recorded in status: \(problems)")
        #expect(problems.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
    }
}
