#!/usr/bin/env python3
"""The listeners' service at scale (issue 9's targets), on SQLite and on PostgreSQL in the same run.

For each engine: the bundles are ingested the way bench.py does it (a fresh `termplayer serve` over a bucket
of distinct JSONs and one hard-linked MP3), one listener account is added through the API (so a login token
can be measured), then the service is stopped and the catalog is seeded directly, as the service would have
stored it: listeners, plays with Zipf-like song popularity, `song_marks` recounted from those plays the way
`recordPlays` recounts them, likes and ratings, and one 10,000-entry playlist of the local listener. The
service is started again over that catalog and measured through HTTP only: wrk for the writes (a Lua script
rotating over song ids, one connection), curl for whole listings, /proc for memory.

    scripts/test-services.sh python3 scripts/bench_listeners.py                    # full size (100,000 songs, 1,000,000 plays)
    scripts/test-services.sh python3 scripts/bench_listeners.py --songs 20000 --plays 200000   # quick
    scripts/test-services.sh python3 scripts/bench_listeners.py --engines sqlite --explain     # one engine, with query plans

The binary is TERMPLAYER_BIN, --bin, or .build/release/termplayer (what `make bench` builds). PostgreSQL is
the cluster scripts/test-services.sh starts (TERMPLAYER_TEST_POSTGRES_URL); each run gets a fresh database.
bench.py runs this too (`--only listeners`, and in the full run).
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from proc_stats import cpu_seconds
from bench_table import print_table

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-listeners-token"
ACCOUNT = ("listener000", "bench-listener-password")  # the one listener made through the API, to log in as
SEED = 9  # every random choice below follows from it
DAY = 86_400.0
WARM_UP = 2  # seconds of each write benchmark run before the measured one


# MARK: HTTP


def request(url, method="GET", body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers), timeout=60) as response:
        return response.read()


def timed_gets(url, repeat, token=None):
    """Seconds of each whole GET of `url` (curl's time_total), and the size of the last answer."""
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download} %{http_code}"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    times, size = [], 0
    for _ in range(repeat):
        seconds, size, status = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout.split()
        if status != "200":
            sys.exit(f"bench: GET {url} answered {status}")
        times.append(float(seconds))
        size = int(size)
    return times, size


WRK_SCRIPT = r"""
-- Rotates over song ids; every request names the next one. kind: like, rate or play.
local ids = {%(ids)s}
local kind = "%(kind)s"
local headers = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}
local start = %(start)d   -- plays start one second apart from here: each report is a new play
local played = {200, 95, 12, 45, 180}
local i = 0
request = function()
  i = i + 1
  local id = ids[(i %% #ids) + 1]
  if kind == "like" then
    return wrk.format("PUT", "/songs/" .. id .. "/like", {["Authorization"] = headers["Authorization"]}, nil)
  elseif kind == "rate" then
    return wrk.format("PUT", "/songs/" .. id .. "/rating", headers, '{"rating":' .. (i %% 5 + 1) .. '}')
  else
    local at = os.date("!%%Y-%%m-%%dT%%H:%%M:%%S", start + i) .. ".000Z"
    return wrk.format("POST", "/plays", headers,
      '{"song":"' .. id .. '","startedAt":"' .. at .. '","playedSeconds":' .. played[(i %% #played) + 1] .. ',"client":"bench"}')
  end
end
"""


def wrk(url, seconds, script=None, connections=1):
    """p50 and p99 in ms and requests/s over `connections` (one by default), as wrk --latency reports them;
    non-2xx answers end the run."""
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if failed:
        sys.exit(f"bench: {failed.group(1)} of the requests to {url} failed:\n{output}")
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    found = {}
    for percent, value, unit in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        found[percent] = float(value) * units[unit]
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return found["50"], found["99"], float(rate.group(1)) if rate else 0.0


def wait_until_idle(pid, quiet=5.0, timeout=900):
    """Seconds until the process has used under 2 % of a core for `quiet` seconds in a row: the start-up
    walk of the bucket (every bundle compared with the catalog) is over, and the measurements have the
    machine. The walk pauses now and then for a second, so a shorter window ends too early."""
    started = time.monotonic()
    last, since = cpu_seconds(pid), started
    while time.monotonic() - started < timeout:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now - last > 0.02 * quiet:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return since - started
    print("bench: the service never went idle; measuring anyway", file=sys.stderr)
    return timeout


# MARK: What is seeded


class Seed:
    """Listeners, plays, marks and a playlist, computed once per engine from the songs the catalog holds.
    Arrays are numpy's; `rows_*` give the tables' rows in primary-key order."""

    def __init__(self, songs, account_id, listeners, plays, playlist_size, now):
        import numpy as np

        self.np = np
        rng = np.random.default_rng(SEED)
        self.now = now
        ids = [song_id for song_id, _ in songs]
        durations = np.array([duration for _, duration in songs], dtype=float)
        self.song_ids = ids
        count = len(ids)

        # Listeners: the local one, the account made through the API, and the rest made here.
        self.users = [("local", None), (account_id, None)] + [
            (f"u-seed{index:06d}", f"listener{index:03d}") for index in range(1, listeners - 1)]
        self.local = 0

        # Popularity: Zipf-like (weight 1/rank^0.6) over a fixed shuffle of the songs, the same for everyone.
        self.popularity = rng.permutation(count)
        weights = 1.0 / np.arange(1, count + 1) ** 0.6
        weights /= weights.sum()
        self.weights = weights
        per_listener = plays // listeners
        user = np.repeat(np.arange(listeners), per_listener)
        user = np.concatenate([user, np.arange(plays - len(user)) % listeners])
        song = self.popularity[rng.choice(count, size=plays, p=weights)]
        # Over the last year, to the millisecond (what an ISO time with fractions gives the service).
        started = np.round(now - 2 * DAY - rng.random(plays) * 365 * DAY, 3)
        duration = durations[song]
        # How far each play got: most to the end, some past half, some not, some skipped early.
        threshold = np.minimum(duration / 2, 240)
        kind = rng.choice(4, size=plays, p=[0.55, 0.20, 0.10, 0.15])
        played = np.where(kind == 0, duration, 0.0)
        played = np.where(kind == 1, threshold + rng.random(plays) * (duration - threshold), played)
        played = np.where(kind == 2, 30 + rng.random(plays) * np.maximum(threshold - 30, 0), played)
        played = np.where(kind == 3, rng.random(plays) * np.minimum(30, threshold), played)
        played = np.minimum(np.round(played, 1), duration)
        # PlayRecord.judge: counted at half the song or 4 minutes, skipped when not counted and under 30 s.
        counted = (played >= threshold) & (played > 0)
        skipped = ~counted & (played < 30)
        # A play is (listener, start, song): drop the (astronomically rare) repeats, then key order.
        order = np.lexsort((song, started, user))
        user, started, song, played, counted, skipped = (a[order] for a in (user, started, song, played, counted, skipped))
        keep = np.ones(len(user), dtype=bool)
        keep[1:] = (user[1:] != user[:-1]) | (started[1:] != started[:-1]) | (song[1:] != song[:-1])
        self.plays = tuple(a[keep] for a in (user, started, song, played, counted, skipped))

        # Marks as recountMarks leaves them: per listener and song, counted plays, skipped plays, last start.
        user, started, song, _, counted, skipped = self.plays
        play_keys, inverse = np.unique(user.astype(np.int64) * count + song, return_inverse=True)

        # Likes and ratings: a share of each listener's played songs, and some more picked by popularity
        # (mostly played ones too; the rest are marks without plays).
        chosen = []
        for share, more in ((0.10, 0.08), (0.06, 0.05)):
            extra_users = np.repeat(np.arange(listeners), int(more * per_listener)).astype(np.int64)
            extra = extra_users * count + self.popularity[rng.choice(count, size=len(extra_users), p=weights)]
            chosen.append(np.unique(np.concatenate([play_keys[rng.random(len(play_keys)) < share], extra])))
        liked_keys, rated_keys = chosen

        keys = np.unique(np.concatenate([play_keys, liked_keys, rated_keys]))
        self.mark_user, self.mark_song = keys // count, keys % count
        at = np.searchsorted(keys, play_keys)
        self.play_count = np.zeros(len(keys), dtype=np.int64)
        self.skip_count = np.zeros(len(keys), dtype=np.int64)
        self.last_played = np.full(len(keys), np.nan)
        self.play_count[at] = np.bincount(inverse, weights=counted)
        self.skip_count[at] = np.bincount(inverse, weights=skipped)
        latest = np.full(len(play_keys), -np.inf)
        np.maximum.at(latest, inverse, started)
        self.last_played[at] = latest
        self.liked_at = np.full(len(keys), np.nan)
        self.liked_at[np.searchsorted(keys, liked_keys)] = np.round(now - 2 * DAY - rng.random(len(liked_keys)) * 365 * DAY, 3)
        self.rating = np.zeros(len(keys), dtype=np.int64)
        self.rated_at = np.full(len(keys), np.nan)
        where = np.searchsorted(keys, rated_keys)
        self.rating[where] = rng.choice([1, 2, 3, 4, 5], size=len(rated_keys), p=[0.05, 0.10, 0.20, 0.35, 0.30])
        self.rated_at[where] = np.round(now - 2 * DAY - rng.random(len(rated_keys)) * 365 * DAY, 3)
        self.count = count

        # The local listener's playlist: `playlist_size` songs drawn by popularity (a song may recur).
        entries = self.popularity[rng.choice(count, size=playlist_size, p=weights)]
        self.playlist_id = "pl-bench10k"
        self.playlist_entries = [ids[i] for i in entries.tolist()]

        # What the write benchmarks rotate over: songs as listeners pick them.
        self.rotation = [ids[i] for i in self.popularity[rng.choice(count, size=5000, p=weights)].tolist()]

    def rows_users(self):
        created = self.now - 400 * DAY
        for user_id, name in self.users[2:]:
            yield (user_id, name, name.lower(), 0, 0, None, None, 1, created)

    def rows_plays(self):
        user, started, song, played, counted, skipped = (a.tolist() for a in self.plays)
        ids = [user_id for user_id, _ in self.users]
        # The arrays are in (listener index, start, song index) order; the table's key is by id text.
        rows = [(ids[u], t, self.song_ids[s], p, int(c), int(k), "termplayer") for u, t, s, p, c, k in zip(user, started, song, played, counted, skipped)]
        rows.sort(key=lambda row: (row[0], row[1], row[2]))
        return rows

    def rows_marks(self):
        """NULL where the service leaves NULL: no like, no rating (0 is stored as NULL), never played."""
        ids = [user_id for user_id, _ in self.users]

        def nullable(values):
            return [None if value != value else value for value in values.tolist()]  # NaN → None

        rows = list(zip(
            (ids[u] for u in self.mark_user.tolist()), (self.song_ids[s] for s in self.mark_song.tolist()), nullable(self.liked_at),
            [r or None for r in self.rating.tolist()], nullable(self.rated_at), self.play_count.tolist(), self.skip_count.tolist(),
            nullable(self.last_played)))
        rows.sort(key=lambda row: (row[0], row[1]))
        return rows

    def rows_playlist(self):
        created = self.now - 30 * DAY
        return (self.playlist_id, "local", "Bench 10k", "bench 10k", "", 0, 1, created, created)

    def rows_playlist_items(self):
        added = self.now - 30 * DAY
        return [(self.playlist_id, index, index, song_id, added) for index, song_id in enumerate(self.playlist_entries, start=1)]

    def local_stats(self):
        """(plays, marked songs) of the local listener."""
        user = self.plays[0]
        plays = int((user == self.local).sum())
        marked = int((self.mark_user == self.local).sum())
        return plays, marked


USER_COLUMNS = "id, name, name_key, is_admin, is_local, password_hash, password_sealed, shares_listening, created_at"
PLAY_COLUMNS = "user_id, started_at, song_id, played, counted, skipped, client"
MARK_COLUMNS = "user_id, song_id, liked_at, rating, rated_at, play_count, skip_count, last_played"
PLAYLIST_COLUMNS = "id, owner_id, name, name_key, description, is_public, version, created_at, updated_at"
ITEM_COLUMNS = "playlist_id, entry_id, position, song_id, added_at"


def seed_sqlite(path, seed):
    """One transaction of executemany, in key order, on the service's own file (WAL)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    for table, columns, rows in (
        ("users", USER_COLUMNS, list(seed.rows_users())), ("plays", PLAY_COLUMNS, seed.rows_plays()),
        ("song_marks", MARK_COLUMNS, seed.rows_marks()), ("playlists", PLAYLIST_COLUMNS, [seed.rows_playlist()]),
        ("playlist_items", ITEM_COLUMNS, seed.rows_playlist_items()),
    ):
        marks = ", ".join("?" * len(columns.split(",")))
        db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def songs_sqlite(path):
    db = sqlite3.connect(path)
    songs = db.execute("SELECT id, duration FROM songs ORDER BY id").fetchall()
    account = db.execute("SELECT id FROM users WHERE name_key = ?", (ACCOUNT[0],)).fetchone()[0]
    db.close()
    return songs, account


def psql(url, *arguments, input=None):
    return subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", *arguments], check=True, capture_output=True,
                          text=True, input=input).stdout


def songs_postgres(url):
    out = psql(url, "-At", "-F", "\t", "-c", "SELECT id, duration FROM songs ORDER BY id")
    songs = [(line.split("\t")[0], float(line.split("\t")[1])) for line in out.splitlines() if line]
    account = psql(url, "-At", "-c", f"SELECT id FROM users WHERE name_key = '{ACCOUNT[0]}'").strip()
    return songs, account


def seed_postgres(url, seed, folder):
    """COPY from files in one transaction, then VACUUM ANALYZE (what autovacuum does after a bulk load)."""
    folder.mkdir(parents=True, exist_ok=True)

    def cell(value):
        return "\\N" if value is None else repr(value) if isinstance(value, float) else str(value)

    script = ["BEGIN;"]
    for table, columns, rows in (
        ("users", USER_COLUMNS, list(seed.rows_users())), ("plays", PLAY_COLUMNS, seed.rows_plays()),
        ("song_marks", MARK_COLUMNS, seed.rows_marks()), ("playlists", PLAYLIST_COLUMNS, [seed.rows_playlist()]),
        ("playlist_items", ITEM_COLUMNS, seed.rows_playlist_items()),
    ):
        file = folder / f"{table}.tsv"
        with file.open("w") as out:
            out.writelines("\t".join(map(cell, row)) + "\n" for row in rows)
        script.append(f"\\copy {table} ({columns}) FROM '{file}'")
    script += ["COMMIT;", "VACUUM ANALYZE users, plays, song_marks, playlists, playlist_items;"]
    psql(url, input="\n".join(script) + "\n")
    shutil.rmtree(folder, ignore_errors=True)


# MARK: Query plans (copies of the service's statements, for --explain)


def explained_statements(seed):
    """The service's statements (SQLCatalog+Listeners.swift) with the values written in, for the local listener."""
    user = "local"
    listing = "s.id, s.title, s.album, s.artist, s.genreid, s.year, s.audio_key, s.cover_key, s.duration, s.bitrate"
    marks = "FROM song_marks m LEFT JOIN songs s ON s.id = m.song_id"
    playlist = seed.playlist_id
    song = seed.rotation[0]
    of_song = f"FROM plays WHERE user_id = '{user}' AND song_id = '{song}'"
    chunk = ", ".join(f"'{song_id}'" for song_id in sorted(set(seed.playlist_entries))[:500])
    return {
        "smartList(.mostPlayed)": f"SELECT m.song_id, m.last_played, {listing} {marks} WHERE m.user_id = '{user}' AND m.play_count > 0 ORDER BY m.play_count DESC, m.last_played DESC, m.song_id LIMIT 200",
        "smartList(.recentlyPlayed)": f"SELECT m.song_id, m.last_played, {listing} {marks} WHERE m.user_id = '{user}' AND m.last_played IS NOT NULL ORDER BY m.last_played DESC, m.song_id LIMIT 200",
        "playlist(id:)": f"""SELECT p.id, p.owner_id, u.name, p.name, p.description, p.is_public, p.version, p.created_at, p.updated_at,
            (SELECT COUNT(*) FROM playlist_items i WHERE i.playlist_id = p.id),
            (SELECT COALESCE(SUM(s.duration), 0.0) FROM playlist_items i JOIN songs s ON s.id = i.song_id WHERE i.playlist_id = p.id)
            FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.id = '{playlist}' ORDER BY p.name_key, p.id""",
        "playlistEntries(id:)": f"SELECT i.song_id, i.added_at, {listing} FROM playlist_items i LEFT JOIN songs s ON s.id = i.song_id WHERE i.playlist_id = '{playlist}' ORDER BY i.position, i.entry_id",
        "marks(userID:songIDs:), one chunk of 500 (a 10,000-entry playlist reads 20)": f"SELECT song_id, liked_at, rating, play_count, skip_count, last_played FROM song_marks WHERE user_id = '{user}' AND song_id IN ({chunk})",
        "marks(userID:songIDs: nil) (GET /songs, signed in)": f"SELECT song_id, liked_at, rating, play_count, skip_count, last_played FROM song_marks WHERE user_id = '{user}'",
        "recountMarks (the values of its upsert, after each play)": f"SELECT (SELECT COUNT(*) {of_song} AND counted = 1), (SELECT COUNT(*) {of_song} AND skipped = 1), (SELECT MAX(started_at) {of_song})",
    }


def explain(engine, where, seed):
    """Plans, and how long each statement takes outside the service (SQLite: best of 5 on a connection with
    the service's 1 MiB cache; PostgreSQL: EXPLAIN ANALYZE's own timing)."""
    print(f"\n--- query plans, {engine} ---")
    for name, statement in explained_statements(seed).items():
        if engine == "SQLite":
            db = sqlite3.connect(where)
            db.execute("PRAGMA cache_size = -1024")
            plan = "\n".join(f"  {row[3]}" for row in db.execute("EXPLAIN QUERY PLAN " + statement))
            times = []
            for _ in range(5):
                started = time.perf_counter()
                found = len(db.execute(statement).fetchall())
                times.append(time.perf_counter() - started)
            plan += f"\n  ({found:,} rows in {min(times) * 1000:.2f} ms, python sqlite3, best of 5)"
            db.close()
        else:
            plan = psql(where, "-At", "-c", "EXPLAIN (ANALYZE, BUFFERS) " + statement).rstrip()
        print(f"{name}:\n{plan}")


# MARK: One engine


def measure_engine(name, library, Server, extra, seed_into, songs_of, where, arguments, work):
    """Ingest, seed, restart, measure. Returns a dict of figures."""
    figures = {}
    server = Server(library, "--token", TOKEN, *extra)
    done = server.wait_for_songs(arguments.songs, timeout=max(900, arguments.songs / 20))
    figures["ingest"] = arguments.songs / (done - server.started)
    wait_until_idle(server.process.pid, quiet=2.0)
    # The anonymous listing before any listener data, beside the one measured after seeding.
    figures["songs before"] = statistics.median(timed_gets(server.url + "/songs", arguments.listings)[0])
    request(server.url + "/users", "POST", {"name": ACCOUNT[0], "password": ACCOUNT[1]}, token=TOKEN)
    server.stop()

    started = time.monotonic()
    songs, account = songs_of(where)
    seed = Seed(songs, account, arguments.listeners, arguments.plays, min(arguments.playlist, len(songs)), time.time())
    computed = time.monotonic()
    seed_into(where, seed)
    figures["seed"] = (computed - started, time.monotonic() - computed, len(seed.plays[0]), len(seed.mark_user))
    figures["local"] = seed.local_stats()
    figures["entries"] = len(seed.playlist_entries)
    print(f"bench: {name}: ingest {figures['ingest']:,.0f} bundles/s; seeded {len(seed.plays[0]):,} plays, {len(seed.mark_user):,} marks "
          f"in {figures['seed'][0]:.1f} s (computed) + {figures['seed'][1]:.1f} s (written)", file=sys.stderr)

    server = Server(library, "--token", TOKEN, *extra)
    server.get("/healthz")
    figures["walk"] = wait_until_idle(server.process.pid)
    login = json.loads(request(server.url + "/login", "POST", {"name": ACCOUNT[0], "password": ACCOUNT[1]}))["token"]
    stages = [("restarted", server.memory()[0])]

    # Reads first, while the local listener has just what was seeded: the 10,000-entry playlist, the smart
    # lists, and the whole library with and without marks.
    times, size = timed_gets(server.url + f"/playlists/{seed.playlist_id}", 20, token=TOKEN)
    figures["playlist"] = (statistics.median(times), max(times), size)
    for smart in ("most-played", "recently-played"):
        times, size = timed_gets(server.url + f"/playlists/{smart}", 20, token=TOKEN)
        figures[smart] = (statistics.median(times), max(times), size)
    stages.append(("playlists read", server.memory()[0]))
    anonymous, signed_in = [], []
    for _ in range(arguments.listings):  # alternating, so drift in the machine's load hits both alike
        anonymous += timed_gets(server.url + "/songs", 1)[0]
        times, marked_size = timed_gets(server.url + "/songs", 1, token=TOKEN)
        signed_in += times
    _, plain_size = timed_gets(server.url + "/songs", 1)
    figures["songs"] = (statistics.median(anonymous), statistics.median(signed_in), plain_size, marked_size)
    stages.append(("/songs listed", server.memory()[0]))

    # Then the writes: like, rate, play report, through wrk with the rotation of song ids (each adds marks
    # and plays of its own), and a read of the same run beside them.
    ids = ", ".join(json.dumps(song_id) for song_id in seed.rotation)
    start = int(time.time() - 2 * DAY + 1)
    for kind, token in (("like", TOKEN), ("rate", TOKEN), ("play", TOKEN), ("like-login", login)):
        script = work / f"{kind}.lua"
        # A short run first, not counted (its plays a week earlier, so none repeats a measured one):
        # the first requests of a kind prepare statements and read pages the measured run then finds.
        script.write_text(WRK_SCRIPT % {"ids": ids, "kind": kind.split("-")[0], "token": token, "start": start - 7 * int(DAY)})
        wrk(server.url + "/", WARM_UP, script)
        script.write_text(WRK_SCRIPT % {"ids": ids, "kind": kind.split("-")[0], "token": token, "start": start})
        figures[kind] = wrk(server.url + "/", arguments.seconds, script)
    figures["genre"] = wrk(server.url + "/songs?genre=Jazz&limit=100", arguments.seconds)
    stages.append(("writes", server.memory()[0]))
    figures["rss"] = server.memory()
    figures["stages"] = stages
    server.stop()
    if arguments.explain:
        explain(name, where, seed)
    return figures


def rows(work, Server, tone_mp3, write_bundles, songs, seconds, plays=None, listeners=100, playlist=10_000, listings=7,
         engines=("sqlite", "postgres"), explain=False):
    """The table's rows, for bench.py. `plays` defaults to 10 a song (1,000,000 for 100,000 songs)."""
    arguments = argparse.Namespace(songs=songs, seconds=seconds, plays=plays or 10 * songs, listeners=listeners, playlist=playlist,
                                   listings=listings, engines=engines, explain=explain)
    try:
        import numpy  # noqa: F401 — the seeding's arrays
    except ImportError:
        sys.exit("bench: the listeners' benchmark seeds with numpy: python3 -m pip install numpy")
    work.mkdir(parents=True, exist_ok=True)
    library = work / "library"
    write_bundles(library / "bucket", arguments.songs, tone_mp3(work, 180))
    results = {}
    if "sqlite" in arguments.engines:
        catalog = library / "catalog.sqlite"
        results["SQLite"] = measure_engine("SQLite", library, Server, (), seed_sqlite, songs_sqlite, catalog, arguments, work)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{catalog}{suffix}").unlink(missing_ok=True)
    if "postgres" in arguments.engines:
        postgres = os.environ.get("TERMPLAYER_TEST_POSTGRES_URL")
        if not postgres:
            sys.exit("bench: PostgreSQL needs scripts/test-services.sh around this (or --engines sqlite)")
        url = postgres.rsplit("/", 1)[0] + f"/bench_listeners_{uuid.uuid4().hex[:8]}"
        psql(postgres, "-c", f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
        results["PostgreSQL"] = measure_engine(
            "PostgreSQL", library, Server, ("--database", url), lambda where, seed: seed_postgres(where, seed, work / "copy"),
            songs_postgres, url, arguments, work)

    out = []
    scale = f"{arguments.songs:,} songs, {arguments.listeners} listeners, {arguments.plays:,} plays"

    def missed(value, limit):
        return "" if value < limit else " — **over target**"

    for engine, f in results.items():
        genre = f"GET /songs?genre=Jazz&limit=100: p50 {f['genre'][0]:.2f} ms, p99 {f['genre'][1]:.2f} ms"
        for kind, what in (("like", "PUT /songs/{id}/like"), ("rate", "PUT /songs/{id}/rating"), ("play", "POST /plays (one play)"),
                           ("like-login", "PUT /songs/{id}/like with a login token")):
            p50, p99, rate = f[kind]
            out.append((f"{what}, {engine}, {scale}", f"p50 {p50:.2f} ms, p99 {p99:.2f} ms ({rate:,.0f} req/s, 1 connection){missed(p99, 5)}",
                        "p99 < 5 ms", genre))
        median, worst, size = f["playlist"]
        out.append((f"GET /playlists/{{id}}, {f['entries']:,} entries, {engine}", f"median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms (20 runs){missed(median, 0.050)}",
                    "< 50 ms", f"{size / 1e6:.1f} MB of JSON"))
        plays, marked = f["local"]
        for smart in ("most-played", "recently-played"):
            median, worst, size = f[smart]
            out.append((f"GET /playlists/{smart}, listener with {plays:,} plays, {engine}",
                        f"median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms (20 runs){missed(median, 0.020)}", "< 20 ms",
                        f"200 songs, {size / 1e3:.0f} kB"))
        anonymous, signed_in, plain_size, marked_size = f["songs"]
        ratio = signed_in / anonymous
        out.append((f"GET /songs (all {arguments.songs:,}), signed in, {marked:,} marked songs, {engine}",
                    f"{signed_in * 1000:.0f} ms for {marked_size / 1e6:.1f} MB ({ratio:.2f}× anonymous; median of {arguments.listings}){missed(ratio, 1.2)}",
                    "≤ 1.2× anonymous", f"anonymous: {anonymous * 1000:.0f} ms for {plain_size / 1e6:.1f} MB "
                    f"({f['songs before'] * 1000:.0f} ms before the listeners were seeded)"))
        rss, peak = f["rss"]
        out.append((f"restart over that catalog, {engine}: start-up walk of the {arguments.songs:,} bundles", f"idle after {f['walk']:.0f} s", "—",
                    "measured only after it"))
        steps = ", ".join(f"{stage} {mib:.0f}" for stage, mib in f["stages"])
        out.append((f"service RSS after all of the above, {engine}", f"{rss:.0f} MiB (peak {peak:.0f} MiB){missed(rss, 60) if engine == 'SQLite' else ''}",
                    "< 60 MiB" if engine == "SQLite" else "— (reported)", f"MiB after each step: {steps}"))
        compute, write, play_rows, mark_rows = f["seed"]
        tool = "python sqlite3 executemany" if engine == "SQLite" else "psql \\copy + VACUUM ANALYZE"
        out.append((f"seeding {engine} (not the service: {tool}, one transaction)",
                    f"{compute + write:.1f} s: {play_rows:,} plays, {mark_rows:,} marks, {f['entries']:,} playlist entries", "—",
                    f"{compute:.1f} s computing, {write:.1f} s writing; ingest before it {f['ingest']:,.0f} bundles/s"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=100_000, help="songs in the library")
    parser.add_argument("--plays", type=int, help="plays seeded, over all listeners (default: 10 a song)")
    parser.add_argument("--listeners", type=int, default=100, help="listeners, the local one included")
    parser.add_argument("--playlist", type=int, default=10_000, help="entries in the local listener's playlist")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--listings", type=int, default=7, help="whole /songs listings timed, each way")
    parser.add_argument("--engines", default="sqlite,postgres", help="sqlite, postgres, or both comma-separated")
    parser.add_argument("--explain", action="store_true", help="print the plans of the listeners' reads after measuring")
    parser.add_argument("--bin", default=os.environ.get("TERMPLAYER_BIN", str(REPO / ".build" / "release" / "termplayer")),
                        help="the termplayer binary (default: TERMPLAYER_BIN, else .build/release/termplayer)")
    arguments = parser.parse_args()
    engines = tuple(engine.strip() for engine in arguments.engines.split(","))
    if not set(engines) <= {"sqlite", "postgres"}:
        sys.exit("bench: --engines takes sqlite, postgres or both")
    for tool in ("wrk", "curl", "sox", "lame") + (("psql",) if "postgres" in engines else ()):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (`make bench` installs it)")
    binary = Path(arguments.bin).absolute()
    if not binary.exists():
        sys.exit(f"bench: {binary} is missing; build it with `swift build -c release`")
    import bench  # its Server, bundles and tone, which run the binary bench.BIN
    bench.BIN = binary
    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-listeners-"))
    started = time.monotonic()
    try:
        table = rows(work, bench.Server, bench.tone_mp3, bench.write_bundles, arguments.songs, arguments.seconds, arguments.plays,
                     arguments.listeners, arguments.playlist, arguments.listings, engines, arguments.explain)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{time.strftime('%Y-%m-%d')}: `scripts/test-services.sh python3 {' '.join(['scripts/bench_listeners.py'] + sys.argv[1:])}`, "
          f"{os.cpu_count()} cores, {binary} ({(time.monotonic() - started) / 60:.0f} min in all)")
    print(f"How: writes with `wrk -t1 -c1 -d{arguments.seconds}s --latency` and a Lua script rotating over 5,000 song ids drawn by "
          f"popularity (after a {WARM_UP} s run that is not counted); whole GETs timed by curl (time_total); RSS from /proc; the "
          "service restarted over the seeded catalog and measured once its start-up walk of the bucket was over.")
    print()
    print_table(table, "same run")


if __name__ == "__main__":
    main()
