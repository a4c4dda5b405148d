#!/usr/bin/env python3
"""A live library (issue 12's targets): the service's reads at 100,000 and 1,000,000 songs in the same run,
and how soon a change reaches a connected terminal UI.

1. For each size, a library is made the way the service would have made it, only faster: a fresh `termplayer
   serve` creates and migrates the catalog; the bucket gets a bundle per song (a distinct JSON each, the MP3
   hard-linked, as bench.py writes them); the catalog's `songs` rows and one `changes` row per song (the feed
   an ingest of them leaves) are written directly with python's sqlite3, with the audio facts of one real
   ingest of that MP3 and the etags the bucket reports (size, mtime and inode), so the service's start-up
   walk finds every bundle up to date. The service is started again over it, left until its walk (and the
   feed's pruning to its latest 100,000 changes) is over, and measured with wrk at 16 connections and at 1:
   `GET /songs?genre=Rock&limit=100` (the page asked again, as a polling web page does: kept in memory until
   the feed moves), the same listing over 200 genres and offsets in rotation (each a catalog read: more pages
   than the service keeps), and `GET /changes?since=<100 before the end>&limit=100&wait=0`, asked again (as
   every client a change wakes asks it: kept until the feed moves) and over 200 positions in turn.
2. The real `termplayer` TUI in tmux (`TERMPLAYER_CHANGE_LOG`: after the frame that first shows a page of the
   change feed, the wall-clock time and the page's ids) against the 100,000-song service; 100 bundles are
   uploaded one after another through the API (PUT JSON, then PUT MP3, which answers once ingested), and
   each is timed from its change's `at` in the catalog (set as the ingest's transaction is built, just
   before it commits) to the frame that shows it. Each title sorts right under the cursor in the songs view,
   so it lands on screen, which is checked on tmux's screen once its frame is logged.

    scripts/bench_live.py                              # 100,000 and 1,000,000 songs (about 25 minutes)
    scripts/bench_live.py --sizes 20000 --uploads 20   # quick
    TERMPLAYER_BIN=.build-bench/release/termplayer scripts/bench_live.py
    BENCH_UI_SCALE_KEEP=/tmp/uiscale scripts/bench_live.py  # the 1,000,000 songs bench_ui_scale keeps there, seeded once

bench.py runs this (`--only live`, and in the full run).
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_listeners import wait_until_idle, wrk
from proc_stats import memory_mib
from bench_table import print_table

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-live-token"
SOCKET = "termplayer-bench-live"
SONGS_QUERY = "/songs?genre=Rock&limit=100"
GENRES = ["Rock", "Indie", "Pop", "Hiphop", "Jazz", "Country", "Classical", "Other"]


# MARK: wrk


ROTATION_SCRIPT = """
-- 200 listings in turn, more than the service keeps in memory (64), so each is a catalog read.
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def rotation_paths():
    return [f"/songs?genre={genre}&limit=100&offset={offset}" for offset in range(0, 2500, 100) for genre in GENRES]


def feed_rotation_paths(oldest, latest):
    """200 pages of 100 changes each, 50 positions apart (closer on a shorter feed), ending at the feed's end."""
    stride = max(1, min(50, (latest - oldest - 100) // 200))
    return [f"/changes?since={latest - 100 - stride * step}&limit=100&wait=0" for step in range(200)]


# MARK: A library, seeded


def etag(path):
    """What the local bucket reports for a file (LocalBucket: size, mtime in ns and inode, in hex)."""
    status = os.stat(path)
    return f"{status.st_size:x}-{status.st_mtime_ns:x}-{status.st_ino:x}"


def audio_facts(work, Server, mp3):
    """duration, size, bitrate, sample rate and channels of `mp3` as the service's own ingest probes them."""
    library = work / "probe"
    (library / "bucket").mkdir(parents=True)
    (library / "bucket" / "probe.json").write_text(json.dumps({"title": "Probe", "album": "A", "artist": "B", "genre": 1}))
    os.link(mp3, library / "bucket" / "probe.mp3")
    server = Server(library, "--token", TOKEN)
    server.wait_for_songs(1, timeout=60)
    server.stop()
    db = sqlite3.connect(library / "catalog.sqlite")
    row = db.execute("SELECT duration, size, bitrate, sample_rate, channels FROM songs WHERE id = 'probe'").fetchone()
    db.close()
    return row


def seed_library(library, count, mp3, facts, Server, write_bundles):
    """A catalog of `count` songs with their bundles and a change per song, as an ingest of them leaves it.
    Returns the seconds spent writing bundles and catalog rows."""
    started = time.monotonic()
    (library / "bucket").mkdir(parents=True)
    server = Server(library, "--token", TOKEN)  # creates and migrates the catalog (and its identity)
    server.stop()
    write_bundles(library / "bucket", count, mp3)
    duration, size, bitrate, sample_rate, channels = facts
    now = time.time()
    rows, changes = [], []
    for index in range(count):
        name = f"song{index:06d}"
        document = json.loads((library / "bucket" / f"{name}.json").read_text())
        title, album, artist = document["title"], document["album"], document["artist"]
        # Ingested over the last 30 days, in this order (ASCII text folds to lower case, as SearchKey.fold does).
        at = now - 30 * 86_400 + index * (29 * 86_400 / count)
        rows.append((title.lower(), name, title, album, artist, document["genre"], document["year"], f"{name}.mp3", None, duration, size,
                     bitrate, sample_rate, channels, etag(library / "bucket" / f"{name}.json"), etag(library / "bucket" / f"{name}.mp3"),
                     None, artist.lower(), album.lower(), f"{title}\n{artist}\n{album}".lower(), at, at))
        changes.append((index + 1, at, "song", name, None))
    rows.sort(key=lambda row: (row[0], row[1]))  # the table's key order: clustered by (sort_title, id)
    db = sqlite3.connect(library / "catalog.sqlite", isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    db.execute("DELETE FROM changes")
    db.executemany(
        """INSERT INTO songs (sort_title, id, title, album, artist, genreid, year, audio_key, cover_key, duration, size, bitrate,
           sample_rate, channels, metadata_etag, audio_etag, cover_etag, artist_key, album_key, search_text, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
    db.executemany("INSERT INTO changes (position, at, kind, subject, user_id) VALUES (?, ?, ?, ?, ?)", changes)
    db.execute("COMMIT")  # no ANALYZE: the service never runs one, so its planner sees what it sees after a real ingest
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.monotonic() - started


def serve_seeded(Server, library, count):
    """The service over a seeded library once its start-up walk is over, and the walk's seconds."""
    server = Server(library, "--token", TOKEN)
    try:
        server.get("/healthz")
        walk = wait_until_idle(server.process.pid, quiet=3.0, timeout=1800)
        if server.song_count() != count:
            sys.exit(f"bench: the service lists {server.song_count()} songs, not the {count} seeded")
    except BaseException:
        server.stop()
        raise
    return server, walk


def feed_bounds(library):
    db = sqlite3.connect(library / "catalog.sqlite")
    bounds = db.execute("SELECT (SELECT MIN(position) FROM changes), (SELECT MAX(position) FROM changes)").fetchone()
    db.close()
    return bounds


def measure_service(server, library, count, seconds, work):
    """wrk figures of one size: {(what, connections): (p50, p99, rate)}."""
    figures = {}
    oldest, latest = feed_bounds(library)
    if latest != count:
        print(f"bench: the start-up walk changed {latest - count} songs (feed at {latest}, {count} seeded)", file=sys.stderr)
    changes_query = f"/changes?since={latest - 100}&limit=100&wait=0"
    page = json.loads(server.get(changes_query))
    if len(page["changes"]) != 100:
        sys.exit(f"bench: {changes_query} answered {len(page['changes'])} changes, not 100")
    script, feed_script = work / "rotation.lua", work / "feed-rotation.lua"
    script.write_text(ROTATION_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in rotation_paths())})
    feed_script.write_text(ROTATION_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in feed_rotation_paths(oldest, latest))})
    for connections in (16, 1):
        figures[("songs", connections)] = wrk(server.url + SONGS_QUERY, seconds, connections=connections)
        figures[("rotation", connections)] = wrk(server.url + "/", seconds, script, connections=connections)
        figures[("changes", connections)] = wrk(server.url + changes_query, seconds, connections=connections)
        figures[("feed rotation", connections)] = wrk(server.url + "/", seconds, feed_script, connections=connections)
    figures["feed"] = (oldest, latest)
    figures["rss"] = memory_mib(server.process.pid)
    return figures


# MARK: The TUI following the feed


def tmux(*arguments, capture=False):
    return subprocess.run(["tmux", "-L", SOCKET, *arguments], capture_output=capture, text=True, check=False).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "0", capture=True) or ""


def put(url, body, token):
    request = urllib.request.Request(url, data=body, method="PUT", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def change_latency(binary, server, library, count, uploads, mp3, work):
    """Seconds from each upload's change in the catalog to the TUI's frame that shows it, sorted; how many were
    then on tmux's screen (looked at once the frame was logged); the TUI's memory."""
    log = work / "changes.log"
    log.touch()
    environment = f"LANG=C.UTF-8 TERMPLAYER_CHANGE_LOG={log} XDG_CONFIG_HOME={work}"
    tmux("kill-server")
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48", f"env {environment} {binary} --server {server.url}; sleep 30")
    deadline = time.monotonic() + 120
    while f"{count} songs" not in screen():
        if time.monotonic() > deadline:
            tmux("kill-server")
            sys.exit(f"bench: the TUI did not list {count} songs in 120 s:\n{screen()}")
        time.sleep(0.05)
    time.sleep(1)  # the follower asks the feed from the listing's position
    audio = mp3.read_bytes()
    db = sqlite3.connect(library / "catalog.sqlite")
    latencies, on_screen = [], 0
    try:
        for index in range(uploads):
            name = f"live{index:03d}"
            # Right under the cursor, which stays on the first song: each newer one sorts before the older ones.
            title = f"Title 000000 live {uploads - index:03d}"
            document = {"title": title, "album": "Live", "artist": "Bench", "genre": 1, "year": 2026}
            put(f"{server.url}/bundles/{name}/{name}.json", json.dumps(document).encode(), TOKEN)
            receipt = put(f"{server.url}/bundles/{name}/{name}.mp3", audio, TOKEN)
            if receipt["bundle"]["state"] != "ingested":
                sys.exit(f"bench: {name} was not ingested: {receipt}")
            committed = db.execute("SELECT at FROM changes WHERE subject = ? AND kind = 'song' ORDER BY position DESC LIMIT 1",
                                   (name,)).fetchone()[0]
            deadline = time.monotonic() + 10
            shown = None
            while shown is None and time.monotonic() < deadline:
                for line in log.read_text().splitlines():
                    micros, *ids = line.split()
                    if name in ids:
                        shown = int(micros) / 1e6
                        break
                else:
                    time.sleep(0.002)
            if shown is None:
                sys.exit(f"bench: {name} never reached the TUI's screen (10 s)")
            latencies.append(shown - committed)
            if title in screen():
                on_screen += 1
            time.sleep(0.1 + (index % 5) * 0.07)  # uploads apart, at no fixed phase of the service's 200 ms poll
        if os.environ.get("BENCH_LIVE_DETAIL"):
            print(screen(), file=sys.stderr)
        rss = memory_mib(int(subprocess.run(["pgrep", "-n", "-f", f"{binary} --server"], capture_output=True, text=True).stdout.split()[0]))
    finally:
        db.close()
        tmux("send-keys", "-t", "0", "q")
        time.sleep(0.3)
        tmux("kill-server")
    return sorted(latencies), on_screen, rss


def percentile(values, fraction):
    """The nearest-rank percentile of sorted `values`."""
    return values[min(len(values) - 1, max(0, int(round(fraction * len(values) + 0.5)) - 1))]


# MARK: Rows


def rows(work, binary, Server, tone_mp3, write_bundles, sizes=(100_000, 1_000_000), seconds=10, uploads=100):
    """The table's rows, for bench.py."""
    work.mkdir(parents=True, exist_ok=True)
    song = tone_mp3(work, 180)
    facts = audio_facts(work, Server, song)
    results, latency = {}, None
    keep = os.environ.get("BENCH_UI_SCALE_KEEP")
    for count in sizes:
        # A library only read (not the one uploaded to) can be the one bench_ui_scale keeps: seeded once.
        kept = keep is not None and not (count == min(sizes) and uploads)
        if kept:
            import bench_ui_scale
            library = bench_ui_scale.seeded(Path(keep), count, song, facts, Server, write_bundles)
            seeded = float((library / "seeded").read_text().split()[0])
        else:
            library = work / f"library-{count}"
            seeded = seed_library(library, count, song, facts, Server, write_bundles)
        server, walk = serve_seeded(Server, library, count)
        try:
            print(f"bench: live, {count:,} songs: seeded in {seeded:.0f} s, start-up walk {walk:.0f} s", file=sys.stderr)
            results[count] = measure_service(server, library, count, seconds, work)
            results[count]["walk"] = walk
            if count == min(sizes) and uploads and shutil.which("tmux"):
                latency = change_latency(binary, server, library, count, uploads, tone_mp3(work, 5), work)
        finally:
            server.stop()
        if not kept:
            shutil.rmtree(library, ignore_errors=True)

    out = []

    def missed(value, limit):
        return "" if value < limit else " — **over target**"

    for what, label, target in (("songs", f"GET {SONGS_QUERY} (the page asked again)", 10),
                                ("rotation", "GET /songs?genre=…&limit=100&offset=0…2400, 200 listings in turn (catalog reads)", 10),
                                ("changes", "GET /changes?since=<100 before the end>&limit=100&wait=0 (the page asked again)", 5),
                                ("feed rotation", "GET /changes?since=…&limit=100&wait=0, 200 positions in turn (catalog reads)", 5)):
        for connections in (16, 1):
            cells = []
            for count in sizes:
                p50, p99, rate = results[count][(what, connections)]
                cells.append(f"{count:,}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, {rate:,.0f} req/s{missed(p99, target)}")
            out.append((f"{label}, {connections} connection{'s' if connections > 1 else ''}", "; ".join(cells), f"p99 < {target} ms",
                        "same run, both sizes"))
    for count in sizes:
        oldest, latest = results[count]["feed"]
        rss, peak = results[count]["rss"]
        out.append((f"service over {count:,} seeded songs", f"start-up walk {results[count]['walk']:.0f} s; RSS {rss:.0f} MiB (peak {peak:.0f})",
                    "—", f"feed holds positions {oldest:,}–{latest:,}"))
    if latency:
        values, on_screen, (rss, peak) = latency
        milliseconds = [value * 1000 for value in values]
        p99 = percentile(milliseconds, 0.99)
        out.append((f"upload → on a connected TUI's screen, {len(values)} uploads one by one, {min(sizes):,} songs",
                    f"p50 {percentile(milliseconds, 0.50):.0f} ms, p95 {percentile(milliseconds, 0.95):.0f} ms, p99 {p99:.0f} ms, "
                    f"max {milliseconds[-1]:.0f} ms{missed(p99, 1000)}", "p99 < 1 s",
                    f"from the change's `at` to the frame (TERMPLAYER_CHANGE_LOG); {on_screen} of {len(values)} seen on tmux's screen after; "
                    f"TUI RSS {rss:.0f} MiB"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="library sizes, comma-separated")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--uploads", type=int, default=100, help="bundles uploaded while the TUI follows (0: none)")
    parser.add_argument("--bin", default=os.environ.get("TERMPLAYER_BIN", str(REPO / ".build" / "release" / "termplayer")),
                        help="the termplayer binary (default: TERMPLAYER_BIN, else .build/release/termplayer)")
    arguments = parser.parse_args()
    for tool in ("wrk", "sox", "lame", "tmux"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (`make bench` installs it)")
    binary = Path(arguments.bin).absolute()
    if not binary.exists():
        sys.exit(f"bench: {binary} is missing; build it with `swift build -c release`")
    import bench  # its Server, bundles and tone, which run the binary bench.BIN
    bench.BIN = binary
    sizes = tuple(int(size) for size in arguments.sizes.split(","))
    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-live-"))
    started = time.monotonic()
    try:
        table = rows(work, binary, bench.Server, bench.tone_mp3, bench.write_bundles, sizes, arguments.seconds, arguments.uploads)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{time.strftime('%Y-%m-%d')}: `{' '.join(['scripts/bench_live.py'] + sys.argv[1:])}`, {os.cpu_count()} cores, {binary} "
          f"({(time.monotonic() - started) / 60:.0f} min in all)")
    print()
    print_table(table, "note")


if __name__ == "__main__":
    main()
