import Catalog
import Foundation
import PostgresNIO

/// Where a PostgreSQL catalog lives, read from a libpq connection URL:
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require&connect_timeout=5`.
///
/// The password is kept out of `description` and out of every error, so a URL can be logged safely.
struct PostgresLocation: Sendable, CustomStringConvertible {
    /// libpq's `sslmode`. No certificate file parameters are read, so `require` (like libpq without a root
    /// certificate) encrypts without checking who answers; `verify-ca` and `verify-full` check against the
    /// system's trusted roots.
    enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var user: String
    var password: String?
    /// nil connects to the database named like the user, as libpq does.
    var database: String?
    var sslMode: SSLMode
    /// How long a TCP connection, or a wait for a free pooled connection, may take.
    var connectTimeout: Duration

    static let usage = "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"

    /// "user@host:port/db", the URL without its password.
    var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(user)@\(shownHost):\(port)/\(database ?? user)"
    }

    /// Reads a URL. Errors name what is wrong but never echo the URL, which may hold the password.
    init(url: String) throws(CatalogError) {
        func bad(_ reason: String) -> CatalogError {
            .unavailable(location: "PostgreSQL URL", reason: "\(reason) (\(Self.usage))")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw bad("not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw bad("the scheme is \"\(scheme)\", not postgres or postgresql")
        }
        guard var host = components.host, !host.isEmpty else {
            throw bad("no host; Unix sockets are not supported")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let user = components.user, !user.isEmpty else { throw bad("no user name") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port \(port) is out of range") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else { throw bad("the database name may not contain \"/\"") }

        var sslMode = SSLMode.prefer
        var connectTimeout = Duration.seconds(10)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw bad("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "connect_timeout":
                // libpq: whole seconds, where 0 (or nothing) means wait forever; forever is never wanted here.
                guard let seconds = item.value.flatMap(Int.init), seconds >= 0 else {
                    throw bad("connect_timeout must be a whole number of seconds")
                }
                if seconds > 0 { connectTimeout = .seconds(seconds) }
            default:
                throw bad("unsupported parameter \"\(item.name)\"; sslmode and connect_timeout are understood")
            }
        }

        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        self.database = path.isEmpty ? nil : path
        self.sslMode = sslMode
        self.connectTimeout = connectTimeout
    }

    // MARK: Configurations

    /// The certificate checks `sslMode` asks for.
    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable, .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        return configuration
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            // libpq's "allow" tries without TLS first; postgres-nio cannot, so it is treated as "prefer".
            case .allow, .prefer: .prefer(tlsConfiguration)
            case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// For a single connection outside the pool (migrations, finding out why the pool cannot connect).
    func connectionConfiguration() throws(CatalogError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch sslMode {
            case .disable: tls = .disable
            case .allow, .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            case .require, .verifyCA, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        } catch {
            throw .unavailable(location: "PostgreSQL \(self)", reason: "cannot set up TLS: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return configuration
    }
}
