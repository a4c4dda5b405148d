#!/usr/bin/env python3
"""Drives TermPlayer's /rest with py-opensonic (PyPI `py-opensonic`, module `libopensonic`), as a user's script
would: token auth and an API key, the OpenSubsonic extensions, browsing artists to an album, search3 (an empty query
too), a song, a ranged stream, covers with and without a size, stars, ratings, playlists and scrobbles.

It uses py-opensonic's AsyncConnection (aiohttp), whose binary answers are read with `await response.read()`; the
synchronous Connection wraps the same calls on a private loop. py-opensonic POSTs form bodies to NAME.view and decodes every answer into its strict dataclasses (mashumaro), so a
required field missing or of the wrong shape fails the step it is in. Each step returns plain values for the Swift
test to compare. Prints a JSON report; exits 1 when a step failed."""
import argparse
import asyncio
import json
import struct
import sys
import traceback

import libopensonic
from libopensonic import errors


def jpeg_size(data):
    """(width, height) from a JPEG's start-of-frame segment, or None when data is no JPEG."""
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return [width, height]
        at += 2 + length
    return None


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--song", required=True, help="a song with a cover")
    parser.add_argument("--other", required=True, help="a song of another album than --album, for stars, ratings and playlists")
    parser.add_argument("--third", required=True, help="a third song, for playlists and scrobbles")
    parser.add_argument("--album", required=True, help="an album to star")
    args = parser.parse_args()
    connections = []

    def connect(**options):
        if "api_key" not in options:
            options = {"username": args.user, "password": args.password} | options
        conn = libopensonic.AsyncConnection("http://127.0.0.1", port=args.port, app_name="py-opensonic-test", **options)
        connections.append(conn)
        return conn

    report = {"failures": []}

    async def step(name, body):
        try:
            report[name] = await body()
        except Exception:  # noqa: BLE001 - every failure is reported, with its traceback
            report["failures"].append({"step": name, "error": traceback.format_exc()})

    async def error_of(call):
        """The py-opensonic error class a call raises and its message, or "no error"."""
        try:
            await call
        except errors.SonicError as error:
            return f"{type(error).__name__}: {error}"
        return "no error"

    conn = connect()

    async def ping():
        return {"ok": await conn.ping(), "wrongPassword": await error_of(connect(password="wrong").ping())}

    await step("ping", ping)

    async def extensions():
        listed = await conn.get_open_subsonic_extensions()
        return sorted(({"name": each.name, "versions": each.versions} for each in listed), key=lambda each: each["name"])

    await step("extensions", extensions)

    async def browse():
        artists = await conn.get_artists()
        names = [artist.name for index in artists.index or [] for artist in index.artist or []]
        artist = await conn.get_artist(artists.index[0].artist[0].id)
        albums = artist.album or []
        album = await conn.get_album(albums[0].id)
        return {
            "artists": names,
            "firstArtistAlbums": [entry.name for entry in albums],
            "albumCount": artist.album_count,
            "album": album.name,
            "albumSongCount": album.song_count,
            "albumSongs": [song.id for song in album.song or []],
            "genres": sorted(({"name": genre.value, "songs": genre.song_count} for genre in await conn.get_genres()),
                            key=lambda genre: genre["name"]),
        }

    await step("browse", browse)

    async def search():
        everything = await conn.search3("", song_count=100, album_count=100, artist_count=100)
        word = await conn.search3("alpha")
        return {
            "songs": sorted(song.id for song in everything.song or []),
            "albums": len(everything.album or []),
            "artists": len(everything.artist or []),
            "word": [song.title for song in word.song or []],
        }

    await step("search3", search)

    async def song():
        found = await conn.get_song(args.song)
        return {"id": found.id, "title": found.title, "album": found.album, "artist": found.artist,
                "albumId": found.album_id, "isDir": found.is_dir, "suffix": found.suffix,
                "contentType": found.content_type, "size": found.size, "coverArt": found.cover_art, "type": found.type}

    await step("song", song)

    async def stream():
        whole_response = await conn.stream(args.song)
        whole = await whole_response.read()
        ranged = await conn.stream(args.song, byte_range="bytes=0-99")
        part = await ranged.read()
        return {"whole": len(whole), "status": whole_response.status, "rangeStatus": ranged.status,
                "contentRange": ranged.headers.get("Content-Range"), "range": len(part),
                "prefixMatches": whole[:100] == part}

    await step("stream", stream)

    async def cover():
        cover_id = (await conn.get_song(args.song)).cover_art
        full = await conn.get_cover_art(cover_id)
        small = await conn.get_cover_art(cover_id, size=64)
        return {"contentType": full.headers.get("Content-Type"), "size": jpeg_size(await full.read()),
                "smallContentType": small.headers.get("Content-Type"), "smallSize": jpeg_size(await small.read())}

    await step("cover", cover)

    async def marks():
        await conn.star(sids=[args.other], album_ids=[args.album])
        starred = await conn.get_starred2()
        await conn.set_rating(args.other, 4)
        rated = (await conn.get_song(args.other)).user_rating
        await conn.set_rating(args.other, 0)
        cleared = (await conn.get_song(args.other)).user_rating
        await conn.unstar(sids=[args.other], album_ids=[args.album])
        after = await conn.get_starred2()
        return {"songs": sorted(entry.id for entry in starred.song or []), "albums": [entry.id for entry in starred.album or []],
                "stamped": bool(starred.song and starred.song[0].starred), "rating": rated, "cleared": cleared,
                "afterUnstar": len(after.song or []) + len(after.album or []) + len(after.artist or [])}

    await step("marks", marks)

    async def playlists():
        await conn.create_playlist(name="py-opensonic trip", song_ids=[args.song, args.other])
        listed = [entry for entry in await conn.get_playlists() if entry.name == "py-opensonic trip"]
        pid = listed[0].id
        created = await conn.get_playlist(pid)
        await conn.update_playlist(pid, name="py-opensonic return", comment="both ways", song_ids_to_add=[args.third],
                                   song_indices_to_remove=[0])
        updated = await conn.get_playlist(pid)
        await conn.delete_playlist(pid)
        remaining = [entry.id for entry in await conn.get_playlists() if entry.id == pid]
        return {"listedSongCount": listed[0].song_count, "created": [entry.id for entry in created.entry or []],
                "name": updated.name, "comment": updated.comment, "entries": [entry.id for entry in updated.entry or []],
                "songCount": updated.song_count, "remaining": len(remaining)}

    await step("playlists", playlists)

    async def scrobble():
        await conn.scrobble(args.third, submission=False)
        playing = [[entry.id, entry.username] for entry in await conn.get_now_playing()]
        await conn.scrobble(args.third, submission=True)
        return {"nowPlaying": playing, "playCount": (await conn.get_song(args.third)).play_count}

    await step("scrobble", scrobble)

    async def api_key():
        keyed = connect(api_key=args.api_key)
        return {"ping": await keyed.ping(), "user": (await keyed.get_user(args.user)).username,
                "songs": len((await keyed.search3("", song_count=100)).song or []),
                "wrongKey": await error_of(connect(api_key=args.api_key + "x").ping())}

    await step("apiKey", api_key)

    async def token_info():
        return (await connect(api_key=args.api_key).token_info()).username

    await step("tokenInfo", token_info)

    for each in connections:
        await each.cleanup()
    json.dump(report, sys.stdout)
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
