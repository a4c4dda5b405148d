/// Every method this server answers, by name. Anything else is error 70, inside the envelope.
extension SubsonicService {
    typealias Handler = (SubsonicService) -> (SubsonicCall) async throws -> SubsonicReply

    static func handler(for method: String) -> Handler? {
        switch method {
        // System
        case "ping": ping
        case "getLicense": getLicense
        case "getOpenSubsonicExtensions": getOpenSubsonicExtensions
        case "tokenInfo": tokenInfo
        case "getScanStatus": getScanStatus
        case "startScan": startScan
        // Browsing
        case "getMusicFolders": getMusicFolders
        case "getIndexes": getIndexes
        case "getMusicDirectory": getMusicDirectory
        case "getArtists": getArtists
        case "getArtist": getArtist
        case "getAlbum": getAlbum
        case "getSong": getSong
        case "getGenres": getGenres
        case "getArtistInfo": { service in { call in try service.emptyInfo(call, name: "artistInfo") } }
        case "getArtistInfo2": { service in { call in try service.emptyInfo(call, name: "artistInfo2") } }
        case "getAlbumInfo": { service in { call in try service.emptyInfo(call, name: "albumInfo") } }
        case "getAlbumInfo2": { service in { call in try service.emptyInfo(call, name: "albumInfo") } }
        case "getSimilarSongs": { service in { call in try await service.getSimilarSongs(call, name: "similarSongs") } }
        case "getSimilarSongs2": { service in { call in try await service.getSimilarSongs(call, name: "similarSongs2") } }
        case "getTopSongs": getTopSongs
        // Lists
        case "getAlbumList": { service in { call in try await service.getAlbumList(call, id3: false) } }
        case "getAlbumList2": { service in { call in try await service.getAlbumList(call, id3: true) } }
        case "getRandomSongs": getRandomSongs
        case "getSongsByGenre": getSongsByGenre
        case "getNowPlaying": getNowPlaying
        case "getStarred": { service in { call in try await service.getStarred(call, id3: false) } }
        case "getStarred2": { service in { call in try await service.getStarred(call, id3: true) } }
        // Searching
        case "search2": { service in { call in try await service.search(call, id3: false) } }
        case "search3": { service in { call in try await service.search(call, id3: true) } }
        // Playlists
        case "getPlaylists": getPlaylists
        case "getPlaylist": getPlaylist
        case "createPlaylist": createPlaylist
        case "updatePlaylist": updatePlaylist
        case "deletePlaylist": deletePlaylist
        // Media
        case "stream": stream
        case "download": stream
        case "getCoverArt": getCoverArt
        // Annotation
        case "star": { service in { call in try await service.star(call, liked: true) } }
        case "unstar": { service in { call in try await service.star(call, liked: false) } }
        case "setRating": setRating
        case "scrobble": scrobble
        // Bookmarks and play queues
        case "getBookmarks": { _ in { _ in .element(SubsonicElement.emptyList("bookmarks", of: "bookmark")) } }
        case "getPlayQueue": getPlayQueue
        case "savePlayQueue": savePlayQueue
        // Users
        case "getUser": getUser
        default: nil
        }
    }
}

extension SubsonicElement {
    /// An element holding an empty list, so JSON has `"name":{"item":[]}`.
    static func emptyList(_ name: String, of item: String) -> SubsonicElement {
        var element = SubsonicElement(name)
        element.add(list: item, [])
        return element
    }
}
