#!/usr/bin/env python3
"""Drives TermPlayer's /rest with py-sonic (PyPI), as a user's script would: token auth and legacy enc: auth,
browsing, search, a ranged stream, a scaled cover, stars, ratings, playlists and scrobbles. py-sonic POSTs form
bodies to NAME.view and reads JSON. Prints a JSON report; exits 1 when a step failed."""
import argparse
import json
import sys
import traceback

import libsonic
from libsonic import errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    base = "http://127.0.0.1"

    def connect(**options):
        return libsonic.Connection(base, args.user, args.password, port=args.port, appName="py-sonic-test", **options)

    report = {"failures": []}

    def step(name, body):
        try:
            report[name] = body()
        except Exception:  # noqa: BLE001 - every failure is reported, with its traceback
            report["failures"].append({"step": name, "error": traceback.format_exc()})

    conn = connect()
    step("ping", conn.ping)
    step("legacyPing", lambda: connect(legacyAuth=True).getUser(args.user)["user"]["username"])

    def wrong_password():
        try:
            libsonic.Connection(base, args.user, "wrong", port=args.port).getUser(args.user)
        except errors.SonicError as error:
            return type(error).__name__
        return "no error"

    step("wrongPassword", wrong_password)

    def browse():
        artists = conn.getArtists()["artists"]["index"]
        names = [artist["name"] for index in artists for artist in index["artist"]]
        first = artists[0]["artist"][0]["id"]
        albums = conn.getArtist(first)["artist"]["album"]
        album = conn.getAlbum(albums[0]["id"])["album"]
        directory = conn.getMusicDirectory(album["id"])["directory"]
        listed = conn.getAlbumList2("alphabeticalByName", size=500)["albumList2"]["album"]
        return {
            "artists": names,
            "albumSongs": [song["id"] for song in album["song"]],
            "directory": [child["title"] for child in directory["child"]],
            "albumList2": [entry["name"] for entry in listed],
            "genres": sorted(genre["value"] for genre in conn.getGenres()["genres"]["genre"]),
        }

    step("browse", browse)
    step("search3", lambda: [song["id"] for song in conn.search3("", songCount=100)["searchResult3"]["song"]])
    step("searchWord", lambda: [song["title"] for song in conn.search3("alpha")["searchResult3"]["song"]])

    def stream():
        whole = conn.stream("s1").read()
        ranged = connect(customHeaders={"Range": "bytes=0-99"}).stream("s1")
        part = ranged.read()
        return {"whole": len(whole), "rangeStatus": ranged.status, "range": len(part), "prefixMatches": whole[:100] == part}

    step("stream", stream)

    def cover():
        response = conn.getCoverArt("s1", size=64)
        return {"contentType": response.headers.get("Content-Type"), "bytes": len(response.read())}

    step("cover", cover)

    def marks():
        conn.star(sids=["s2"])
        starred = [song["id"] for song in conn.getStarred2()["starred2"]["song"]]
        conn.setRating("s2", 4)
        rating = conn.getSong("s2")["song"].get("userRating")
        conn.unstar(sids=["s2"])
        after = conn.getStarred2()["starred2"].get("song", [])
        return {"starred": starred, "rating": rating, "afterUnstar": len(after)}

    step("marks", marks)

    def playlists():
        conn.createPlaylist(name="py-sonic trip", songIds=["s1", "s2"])
        listed = conn.getPlaylists()["playlists"]["playlist"]
        pid = [entry["id"] for entry in listed if entry["name"] == "py-sonic trip"][0]
        conn.updatePlaylist(pid, songIdsToAdd=["s3"], songIndexesToRemove=[0])
        entries = [song["id"] for song in conn.getPlaylist(pid)["playlist"]["entry"]]
        conn.deletePlaylist(pid)
        remaining = conn.getPlaylists()["playlists"].get("playlist", [])
        return {"entries": entries, "remaining": len(remaining)}

    step("playlists", playlists)

    def scrobble():
        conn.scrobble("s3", submission=False)
        playing = [entry["id"] for entry in conn.getNowPlaying()["nowPlaying"].get("entry", [])]
        conn.scrobble("s3", submission=True)
        return {"nowPlaying": playing, "playCount": conn.getSong("s3")["song"].get("playCount")}

    step("scrobble", scrobble)

    json.dump(report, sys.stdout)
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
