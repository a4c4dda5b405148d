import Crypto
import Foundation
import LibraryModel
public import WireFormats

/// The credentials a Subsonic request carries: `u` with `p` (plain or `enc:` hex) or with `t` and `s`
/// (t = md5(password + salt)), or the OpenSubsonic `apiKey` alone.
public enum SubsonicCredentials: Sendable, Equatable {
    case none
    case password(user: String, password: String)
    case token(user: String, token: String, salt: String)
    case apiKey(String)

    /// Reads them, refusing what the spec refuses: an API key beside a user or password (43), a name with no
    /// password or token, or a token without its salt (10).
    public init(_ parameters: SubsonicParameters) throws(SubsonicError) {
        let user = parameters["u"].flatMap { $0.isEmpty ? nil : $0 }
        let password = parameters["p"]
        let token = parameters["t"].flatMap { $0.isEmpty ? nil : $0 }
        let salt = parameters["s"].flatMap { $0.isEmpty ? nil : $0 }
        if let key = parameters["apiKey"] {
            guard user == nil, password == nil, token == nil else {
                throw SubsonicError(.conflictingMechanisms, "Multiple conflicting authentication mechanisms provided: apiKey goes without u, p and t")
            }
            guard !key.isEmpty else { throw SubsonicError(.invalidAPIKey, "Invalid API key") }
            self = .apiKey(key)
            return
        }
        guard let user else {
            if password != nil || token != nil { throw .missing("u") }
            self = .none
            return
        }
        // Some clients send a password beside the token; the token is the stronger proof, so it is the one checked.
        if let token {
            guard let salt else { throw .missing("s") }
            self = .token(user: user, token: token, salt: salt)
        } else if let password {
            self = .password(user: user, password: try Self.plain(password))
        } else {
            throw .missing("p or t and s")
        }
    }

    /// `enc:` followed by the password's UTF-8 bytes in hex, as DSub and py-sonic's legacy mode send it.
    static func plain(_ given: String) throws(SubsonicError) -> String {
        guard given.hasPrefix("enc:") else { return given }
        let hex = Array(given.utf8.dropFirst(4))
        guard hex.count.isMultiple(of: 2) else { throw SubsonicError(.wrongCredentials, "Wrong username or password (enc: needs hex digits)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = digit(hex[index]), let low = digit(hex[index + 1]) else {
                throw SubsonicError(.wrongCredentials, "Wrong username or password (enc: needs hex digits)")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw SubsonicError(.wrongCredentials, "Wrong username or password (enc: is not UTF-8)")
        }
        return text
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// md5(password + salt) in lower-case hex: what a client sends as `t`.
    public static func token(password: String, salt: String) -> String {
        Hex.lowercase(Insecure.MD5.hash(data: Array((password + salt).utf8)))
    }

    /// Whether `token` (any case) is md5(password + salt), compared in constant time.
    static func tokenMatches(_ token: String, password: String, salt: String) -> Bool {
        constantTimeEqual(Array(token.lowercased().utf8), Array(Self.token(password: password, salt: salt).utf8))
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
