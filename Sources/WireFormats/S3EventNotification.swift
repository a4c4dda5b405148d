import Foundation
import LibraryModel

/// One object that an S3 event notification says was created or removed.
public struct S3ObjectEvent: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case created
        case removed
    }

    public var bucket: String
    /// The object key, decoded (S3 sends it form-encoded: `My+Song%21.json` is `My Song!.json`).
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
        try objects(in: body, unwrappingSNS: true)
    }

    /// SNS wraps once; an envelope inside an envelope is not something S3 sends, and is refused.
    private static func objects(in body: [UInt8], unwrappingSNS: Bool) throws(S3EventError) -> [S3ObjectEvent] {
        let message: Message
        do {
            message = try JSONDecoder().decode(Message.self, from: Data(body))
        } catch {
            throw S3EventError(description: "not an S3 event notification: \(DecodingFailure.describe(error))")
        }
        // SNS: the S3 event is a JSON string inside the envelope.
        if message.type == "Notification", let inner = message.message {
            guard unwrappingSNS else { throw S3EventError(description: "an SNS envelope inside an SNS envelope") }
            return try objects(in: Array(inner.utf8), unwrappingSNS: false)
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
            guard let key = FormQuery.strictlyDecoded(encodedKey) else {
                throw S3EventError(description: "an object key that is not valid percent-encoding: \(encodedKey)")
            }
            objects.append(S3ObjectEvent(bucket: bucket, key: key, change: change))
        }
        return objects
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
