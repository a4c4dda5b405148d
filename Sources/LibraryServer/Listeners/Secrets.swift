import Crypto
import Foundation
import NIOPosix
import _CryptoExtras

/// Comparisons of secrets that take as long whatever the guess: no early exit for a timing attack to measure.
enum ConstantTime {
    static func equal(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func equal(_ lhs: String, _ rhs: String) -> Bool { equal(Array(lhs.utf8), Array(rhs.utf8)) }
}

/// Passwords as the catalog keeps them for logins: PBKDF2-HMAC-SHA256 with a random salt, written
/// `pbkdf2-sha256$ROUNDS$SALT$HASH` (base64), so the rounds can be raised later without breaking old hashes.
enum PasswordHasher {
    /// The least swift-crypto allows, and OWASP's 2023 floor for PBKDF2-HMAC-SHA256.
    static let rounds = 210_000

    /// Hashes on NIO's thread pool: a hash is ~100 ms of CPU, too long to hold a cooperative thread.
    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive {
            let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
            let derived = try derive(password, salt: salt, rounds: rounds)
            return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(derived.base64EncodedString())"
        }
    }

    /// False for a wrong password and for a stored hash this build cannot read.
    static func verify(_ password: String, against stored: String) async -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), (1...10_000_000).contains(rounds),
            let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3])
        else { return false }
        let derived = try? await NIOThreadPool.singleton.runIfActive { try derive(password, salt: salt, rounds: rounds) }
        guard let derived else { return false }
        return ConstantTime.equal(derived, expected)
    }

    private static func derive(_ password: String, salt: Data, rounds: Int) throws -> Data {
        try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds
        ).withUnsafeBytes { Data($0) }
    }
}

/// Seals passwords with AES-GCM under a key kept outside the catalog, for the protocols that must know
/// a password to check what a client sends (Subsonic's md5(password + salt)). A sealed password reads
/// `v1:KEYID:BASE64`; KEYID names the key, so one sealed under another key is told apart, not mis-opened.
struct PasswordSealer: Sendable {
    /// The key's bytes; swift-crypto's `SymmetricKey` is made from them for each use, as it is not `Sendable`.
    private let keyBytes: [UInt8]
    let keyID: String

    /// `hex`: 32 bytes as 64 hex digits (the library's `password.key`, or `TERMPLAYER_PASSWORD_KEY`).
    init(hexKey hex: String) throws(ServerSetupError) {
        let bytes = Self.bytes(fromHex: hex.trimmingCharacters(in: .whitespacesAndNewlines))
        guard let bytes, bytes.count == 32 else {
            throw .configuration("the password key must be 32 bytes written as 64 hex digits")
        }
        keyBytes = bytes
        keyID = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    func seal(_ password: String) throws -> String {
        let box = try AES.GCM.seal(Array(password.utf8), using: SymmetricKey(data: keyBytes))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return "v1:\(keyID):\(combined.base64EncodedString())"
    }

    /// nil when sealed under another key, or damaged.
    func open(_ sealed: String) -> String? {
        let parts = sealed.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", parts[1] == keyID, let combined = Data(base64Encoded: parts[2]),
            let box = try? AES.GCM.SealedBox(combined: combined), let plain = try? AES.GCM.open(box, using: SymmetricKey(data: keyBytes))
        else { return nil }
        return String(bytes: plain, encoding: .utf8)
    }

    private static func bytes(fromHex hex: String) -> [UInt8]? {
        guard hex.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// Bearer tokens for logins and API keys: `tp1.ID.SECRET`, where the catalog keeps ID and a SHA-256 of
/// SECRET. The ID finds the row; the secret is compared by hash, in constant time.
enum ListenerToken {
    static let prefix = "tp1."

    struct Parts {
        var id: String
        var secret: String
    }

    /// A new credential id and secret, and the token that carries them.
    static func make() -> (id: String, secret: String, token: String) {
        let id = randomText(bytes: 9)
        let secret = randomText(bytes: 32)
        return (id, secret, "\(prefix)\(id).\(secret)")
    }

    static func parse(_ token: String) -> Parts? {
        guard token.hasPrefix(prefix) else { return nil }
        let parts = token.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].count <= 64, parts[1].count <= 128 else { return nil }
        return Parts(id: String(parts[0]), secret: String(parts[1]))
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// URL-safe base64 of random bytes, for ids and secrets.
    static func randomText(bytes count: Int) -> String {
        let bytes = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
