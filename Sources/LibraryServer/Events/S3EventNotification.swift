import Foundation

/// One object that an S3 event notification says was created or removed.
public struct S3ObjectEvent: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case created
        case removed
    }

    public var bucket: String
    /// The object key, decoded (S3 sends it form-URL-encoded: `My+Song%21.json` is `My Song!.json`).
    public var key: String
    public var change: Change

    public init(bucket: String, key: String, change: Change) {
        self.bucket = bucket
        self.key = key
        self.change = change
    }
}

/// Why a notification could not be read. The message names what was wrong, for the dead-letter record.
public struct S3EventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// Reads S3 event notifications as SQS delivers them, as SNS HTTP subscriptions wrap them, and as
/// MinIO's webhooks post them. The `s3:TestEvent` S3 sends when a notification is configured carries no
/// objects.
public enum S3EventNotification {
    public static func objects(in body: [UInt8]) throws(S3EventError) -> [S3ObjectEvent] {
        let message: Message
        do {
            message = try JSONDecoder().decode(Message.self, from: Data(body))
        } catch {
            throw S3EventError(description: "not an S3 event notification: \(Self.reason(error))")
        }
        // SNS: the S3 event is a JSON string inside the envelope.
        if message.type == "Notification", let inner = message.message {
            return try objects(in: Array(inner.utf8))
        }
        if message.event == "s3:TestEvent" { return [] }
        guard let records = message.records else {
            throw S3EventError(description: "not an S3 event notification: no Records")
        }
        var objects: [S3ObjectEvent] = []
        for record in records {
            guard let name = record.eventName else { throw S3EventError(description: "a record without eventName") }
            let change: S3ObjectEvent.Change
            if name.hasPrefix("ObjectCreated:") || name.hasPrefix("s3:ObjectCreated:") {
                change = .created
            } else if name.hasPrefix("ObjectRemoved:") || name.hasPrefix("s3:ObjectRemoved:") {
                change = .removed
            } else {
                continue  // restores, replication, lifecycle transitions: nothing for the catalog
            }
            guard let bucket = record.s3?.bucket?.name, let encodedKey = record.s3?.object?.key else {
                throw S3EventError(description: "the \(name) record has no s3.bucket.name or s3.object.key")
            }
            guard let key = formDecoded(encodedKey) else {
                throw S3EventError(description: "an object key that is not valid percent-encoding: \(encodedKey)")
            }
            objects.append(S3ObjectEvent(bucket: bucket, key: key, change: change))
        }
        return objects
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; nil for broken escapes
    /// or bytes that are not UTF-8.
    static func formDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.underlyingError.map { "\($0)" } ?? context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }

    // The shapes read; every field optional, so what is missing can be named.
    private struct Message: Decodable {
        var records: [Record]?
        var event: String?
        var type: String?
        var message: String?

        enum CodingKeys: String, CodingKey {
            case records = "Records", event = "Event", type = "Type", message = "Message"
        }
    }

    private struct Record: Decodable {
        var eventName: String?
        var s3: Entity?
    }

    private struct Entity: Decodable {
        var bucket: Bucket?
        var object: Object?
    }

    private struct Bucket: Decodable {
        var name: String?
    }

    private struct Object: Decodable {
        var key: String?
    }
}
