import Foundation

/// The servers `scripts/test-services.sh` starts for a test run (`make test` always does): a PostgreSQL
/// cluster and moto's S3 + SQS server, both on loopback. Tests that need them are enabled only when
/// they are there; `make test` makes sure they are.
public enum TestServices {
    /// "postgres://termplayer:termplayer@127.0.0.1:PORT/postgres", a superuser that may create databases.
    public static var postgresURL: String? { value("TERMPLAYER_TEST_POSTGRES_URL") }

    /// "http://127.0.0.1:PORT", moto in server mode: S3 and SQS on one port, any credentials accepted.
    public static var awsEndpoint: String? { value("TERMPLAYER_TEST_AWS_ENDPOINT") }

    public static let missingPostgres = "needs PostgreSQL: run `make test`, or the tests under scripts/test-services.sh"
    public static let missingAWS = "needs the S3/SQS server: run `make test`, or the tests under scripts/test-services.sh"

    /// The environment an AWS client (ours, or boto3) needs to reach moto.
    public static func awsEnvironment(endpoint: String) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
        ]
    }

    /// A name no other test in this run uses: for databases, buckets and queues on the shared servers.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    private static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
