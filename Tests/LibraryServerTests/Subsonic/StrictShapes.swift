import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Answers decoded as strict clients decode them: Swift's Codable, like Go's `encoding/json` (stmps) and mashumaro
/// (py-opensonic), refuses `"123"` where a number belongs, `1` for a boolean, and a missing required field. The fields
/// are those `notes/subsonic.md` §3 lists as needed.
enum Strict {
    struct Envelope<Payload: Decodable>: Decodable {
        let response: Payload
        enum CodingKeys: String, CodingKey { case response = "subsonic-response" }
    }

    struct Base: Decodable {
        let status: String
        let version: String
        let type: String
        let serverVersion: String
        let openSubsonic: Bool
    }

    struct Child: Decodable {
        let id: String
        let parent: String
        let isDir: Bool
        let title: String
        let album: String
        let artist: String
        let track: Int
        let year: Int
        let genre: String
        let coverArt: String?
        let size: Int
        let contentType: String
        let suffix: String
        let duration: Int
        let bitRate: Int
        let path: String
        let discNumber: Int
        let created: String
        let albumId: String
        let artistId: String
        let type: String
        let isVideo: Bool
        let starred: String?
        let userRating: Int?
        let playCount: Int?
    }

    struct Album: Decodable {
        let id: String
        let name: String
        let artist: String
        let artistId: String
        let coverArt: String?
        let songCount: Int
        let duration: Int
        let created: String
        let year: Int?
        let genre: String?
        let starred: String?
        let song: [Child]?
    }

    struct Artist: Decodable {
        let id: String
        let name: String
        let albumCount: Int?
        let coverArt: String?
        let album: [Album]?
    }

    struct Index: Decodable {
        let name: String
        let artist: [Artist]
    }

    struct Indexes: Decodable {
        let ignoredArticles: String
        let lastModified: Int
        let index: [Index]
    }

    struct ArtistsID3: Decodable {
        let ignoredArticles: String
        let index: [Index]
    }

    struct MusicFolder: Decodable {
        let id: Int
        let name: String
    }

    struct Playlist: Decodable {
        let id: String
        let name: String
        let owner: String?
        let `public`: Bool?
        let songCount: Int
        let duration: Int
        let created: String
        let changed: String
        let entry: [Child]?
    }

    struct Genre: Decodable {
        let value: String
        let songCount: Int
        let albumCount: Int
    }

    struct NowPlayingEntry: Decodable {
        let id: String
        let isDir: Bool
        let title: String
        let username: String
        let minutesAgo: Int
        let playerId: Int
        let playerName: String?
    }

    struct ScanStatus: Decodable {
        let scanning: Bool
        let count: Int
    }

    struct Songs: Decodable { let song: [Child] }
    struct Directory: Decodable {
        let id: String
        let name: String
        let child: [Child]
    }
    struct SearchResult3: Decodable {
        let artist: [Artist]
        let album: [Album]
        let song: [Child]
    }
    struct AlbumList2: Decodable { let album: [Album] }

    struct FoldersPayload: Decodable { let musicFolders: [String: [MusicFolder]] }
    struct IndexesPayload: Decodable { let indexes: Indexes }
    struct ArtistsPayload: Decodable { let artists: ArtistsID3 }
    struct ArtistPayload: Decodable { let artist: Artist }
    struct AlbumPayload: Decodable { let album: Album }
    struct SongPayload: Decodable { let song: Child }
    struct DirectoryPayload: Decodable { let directory: Directory }
    struct GenresPayload: Decodable { let genres: [String: [Genre]] }
    struct RandomPayload: Decodable { let randomSongs: Songs }
    struct ByGenrePayload: Decodable { let songsByGenre: Songs }
    struct Search3Payload: Decodable { let searchResult3: SearchResult3 }
    struct AlbumList2Payload: Decodable { let albumList2: AlbumList2 }
    struct PlaylistPayload: Decodable { let playlist: Playlist }
    struct PlaylistsPayload: Decodable { let playlists: [String: [Playlist]] }
    struct NowPlayingPayload: Decodable { let nowPlaying: [String: [NowPlayingEntry]] }
    struct ScanPayload: Decodable { let scanStatus: ScanStatus }
    struct Starred2Payload: Decodable { let starred2: SearchResult3 }
}

extension SubsonicTestClient {
    /// A successful JSON answer decoded strictly; a field missing or of the wrong type fails the test with the decoder's reason.
    func typed<Payload: Decodable>(
        _ method: String, _ parameters: [(String, String)] = [], as type: Payload.Type, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Payload {
        let response = try await call(method, parameters)
        let data = Data(buffer: response.body)
        let base = try JSONDecoder().decode(Strict.Envelope<Strict.Base>.self, from: data).response
        #expect(base.status == "ok", "\(method): \(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
        do {
            return try JSONDecoder().decode(Strict.Envelope<Payload>.self, from: data).response
        } catch {
            Issue.record("\(method) does not decode strictly: \(error)\n\(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
            throw error
        }
    }
}
