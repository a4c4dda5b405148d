#!/usr/bin/env python3
"""Recommendations at scale (issue 11's performance targets), through the service's HTTP API.

A library of N tone bundles is ingested the way bench.py does it, then the service is stopped and its SQLite
catalog seeded directly with listening that has the shape recommendations learn from: listeners with two or
three favourite genres who play in sessions (minutes apart within one, hours or days between), running
on along an album or jumping to another popular song of the genre, skipping some; likes on what they play
most. The service is started again and measured from outside only:

- the first For you request, which builds the model from the whole catalog (a full rebuild), and the
  memory it took beyond the service's resident size before it (VmHWM reset through /proc/PID/clear_refs);
- p50 / p95 of For you, Discover, similar songs and radio (a station of 10 songs played), one keep-alive
  connection, as the heavily-listening local listener;
- whether a play just reported (a skip of the station's last song) changes the very next radio pick;
- beside it, implicit's ALS (PyPI `implicit`, the strong peer of the quality benchmark) trained on the same
  plays, when it is installed: the time a learned model of the same data takes to fit.

    python3 scripts/bench_recommend_service.py                      # full size: 100,000 songs, 500 listeners, 1,000,000 plays
    python3 scripts/bench_recommend_service.py --songs 10000 --plays 100000   # quick

The binary is TERMPLAYER_BIN, --bin, or .build/release/termplayer. bench.py runs this (`--only recommend`).
"""

import argparse
import http.client
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from proc_stats import memory_mib
from bench_table import print_table

# implicit asks for this (its own threads do the work); it must be set before numpy loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-recommend-token"
SEED = 11
DAY = 86_400.0
GENRES = 8  # bench.py's bundles: genre = index % 8 + 1, album = index // 12, artist = index // 120


def listening(songs, listeners, plays, now):
    """Plays as rows of the `plays` table, in key order, and the `song_marks` rows recounted from them."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    ids = [f"song{index:06d}" for index in range(songs)]
    genre_of = np.arange(songs) % GENRES
    by_genre = [np.flatnonzero(genre_of == genre) for genre in range(GENRES)]
    # Within a genre, popularity is Zipf-like over a fixed shuffle.
    orders = [rng.permutation(members) for members in by_genre]
    # Cumulative weights, so a draw is one binary search (rng.choice with p= is linear per draw).
    cumulative = []
    for members in orders:
        w = 1.0 / np.arange(1, len(members) + 1) ** 0.8
        cumulative.append(np.cumsum(w / w.sum()))

    def popular(genre):
        index = min(int(cumulative[genre].searchsorted(rng.random())), len(orders[genre]) - 1)
        return int(orders[genre][index])

    users = ["local"] + [f"u-rec{index:04d}" for index in range(1, listeners)]
    # The local listener, measured, listens five times as much as the others.
    shares = np.ones(listeners)
    shares[0] = 5
    per_user = np.floor(plays * shares / shares.sum()).astype(int)
    rows = []
    for user_index, user in enumerate(users):
        favourites = rng.choice(GENRES, size=rng.integers(2, 4), replace=False)
        taste = rng.dirichlet(np.ones(len(favourites)))
        moment = now - 365 * DAY + rng.random() * DAY
        remaining = int(per_user[user_index])
        lengths = []
        while remaining > 0:
            lengths.append(min(remaining, int(rng.geometric(1 / 12))))
            remaining -= lengths[-1]
        # Sessions spread over about 300 days, whatever the listener's amount of listening.
        mean_gap = 300 * DAY / len(lengths)
        for length in lengths:
            genre = favourites[rng.choice(len(favourites), p=taste)]
            song = popular(genre)
            for _ in range(length):
                skipped = rng.random() < 0.12
                played = round(float(rng.uniform(3, 25)) if skipped else 180.0, 1)
                rows.append((user, round(moment, 3), ids[song], played, 0 if skipped else 1, 1 if skipped else 0, "bench"))
                moment += played + float(rng.uniform(0, 20))
                if rng.random() < 0.5 and song + GENRES < songs:
                    song = song + GENRES  # the next one of the genre in the catalog: an album's run, in these bundles
                else:
                    song = popular(genre)
            moment += max(600.0, float(rng.uniform(0.2, 1.8)) * mean_gap)
        if moment > now - 60:
            sys.exit(f"bench: {user}'s seeded listening runs {(moment - now) / DAY:.1f} days past now")
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    deduplicated = [row for index, row in enumerate(rows) if index == 0 or row[:3] != rows[index - 1][:3]]

    marks = {}
    for user, started, song, _, counted, skipped, _ in deduplicated:
        mark = marks.setdefault((user, song), [0, 0, 0.0])
        mark[0] += counted
        mark[1] += skipped
        mark[2] = max(mark[2], started)
    mark_rows = []
    for (user, song), (count, skips, last) in sorted(marks.items()):
        liked = last if count >= 4 else None
        mark_rows.append((user, song, liked, None, None, count, skips, last))
    return users, deduplicated, mark_rows


def seed(catalog, users, plays, marks, now):
    db = sqlite3.connect(catalog, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO users (id, name, name_key, is_admin, is_local, password_hash, password_sealed, shares_listening, created_at) "
        "VALUES (?, ?, ?, 0, 0, NULL, NULL, 1, ?)", [(user, user[2:], user[2:], now - 400 * DAY) for user in users[1:]])
    db.executemany("INSERT INTO plays (user_id, started_at, song_id, played, counted, skipped, client) VALUES (?, ?, ?, ?, ?, ?, ?)", plays)
    db.executemany(
        "INSERT INTO song_marks (user_id, song_id, liked_at, rating, rated_at, play_count, skip_count, last_played) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        marks)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


class Client:
    """One keep-alive connection, as the local listener (the service's token)."""

    def __init__(self, url):
        parsed = urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)

    def call(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {TOKEN}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            sys.exit(f"bench: {method} {path} answered {response.status}: {payload[:200]!r}")
        return elapsed, json.loads(payload)


def percentiles(times):
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def als_fit_seconds(plays, songs):
    """implicit's ALS on the listener × song matrix of completed plays, or None without implicit."""
    try:
        import implicit
        import numpy as np
        from scipy.sparse import csr_matrix
    except ImportError:
        return None
    users = {}
    rows, columns = [], []
    for user, _, song, _, counted, _, _ in plays:
        if counted:
            rows.append(users.setdefault(user, len(users)))
            columns.append(int(song[4:]))
    matrix = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(users), songs))
    matrix.sum_duplicates()
    model = implicit.als.AlternatingLeastSquares(factors=64, iterations=15, regularization=0.05, random_state=SEED)
    started = time.perf_counter()
    model.fit(matrix, show_progress=False)
    return time.perf_counter() - started


def rows(work, Server, tone_mp3, write_bundles, songs=100_000, listeners=500, plays=1_000_000, requests=200):
    try:
        import numpy  # noqa: F401
    except ImportError:
        sys.exit("bench: the recommendations benchmark seeds with numpy: python3 -m pip install numpy")
    work.mkdir(parents=True, exist_ok=True)
    library = work / "library"
    write_bundles(library / "bucket", songs, tone_mp3(work, 180))
    server = Server(library, "--token", TOKEN)
    server.wait_for_songs(songs, timeout=max(900, songs / 20))
    server.stop()

    now = time.time()
    started = time.monotonic()
    users, play_rows, mark_rows = listening(songs, listeners, plays, now)
    seed(library / "catalog.sqlite", users, play_rows, mark_rows, now)
    local_plays = sum(1 for row in play_rows if row[0] == "local")
    print(f"bench: recommend: seeded {len(play_rows):,} plays, {len(mark_rows):,} marks in {time.monotonic() - started:.0f} s", file=sys.stderr)

    server = Server(library, "--token", TOKEN)
    server.get("/healthz")
    import bench_listeners
    bench_listeners.wait_until_idle(server.process.pid, quiet=2.0)
    before, _ = server.memory()
    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    client = Client(server.url)
    build, _ = client.call("GET", "/recommendations/for-you?limit=20")
    after, peak = server.memory()

    song_ids = [row[2] for row in play_rows[:: max(1, len(play_rows) // requests)]][:requests]
    measured = {}
    for name, call in (
        ("For you", lambda i: ("GET", "/recommendations/for-you?limit=20", None)),
        ("Discover", lambda i: ("GET", "/recommendations/discover?limit=20", None)),
        ("similar", lambda i: ("GET", f"/songs/{song_ids[i]}/similar?limit=20", None)),
        ("radio", lambda i: ("POST", "/radio", {"seeds": [{"song": song_ids[i]}], "played": song_ids[max(0, i - 10):i], "limit": 5})),
    ):
        for index in range(10):  # warm-up
            client.call(*call(index))
        measured[name] = percentiles([client.call(*call(index))[0] for index in range(requests)])

    # A play just reported steers the very next pick: skip the station's last song, ask again.
    station = {"seeds": [{"song": song_ids[0]}], "played": song_ids[:5], "limit": 5}
    _, first = client.call("POST", "/radio", station)
    skip = {"song": song_ids[4], "startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 30)), "playedSeconds": 4}
    client.call("POST", "/plays", skip)
    _, second = client.call("POST", "/radio", station)
    changed = [pick["song"]["id"] for pick in first] != [pick["song"]["id"] for pick in second]
    server.stop()
    als = als_fit_seconds(play_rows, songs)

    scale = f"{songs:,} songs, {listeners} listeners, {len(play_rows):,} plays"
    out = [(f"full model rebuild (the first For you request builds it), {scale}, SQLite",
            f"{build:.2f} s, {peak - before:.0f} MiB over the {before:.0f} MiB before it (RSS after {after:.0f} MiB)",
            "< 10 s, < 200 MiB extra", f"implicit ALS fit on the same plays (64 factors, 15 iterations): {als:.1f} s" if als else "implicit not installed")]
    for name, (p50, p95) in measured.items():
        out.append((f"{name}, local listener with {local_plays:,} plays, {scale}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms ({requests} requests)"
                    + ("" if p95 < 50 else " — **over target**"), "p95 < 50 ms", "one keep-alive connection"))
    before_ids = " ".join(pick["song"]["id"][-4:] for pick in first)
    after_ids = " ".join(pick["song"]["id"][-4:] for pick in second)
    out.append(("a skip just reported changes the next radio picks", "yes" if changed else "**no**", "yes",
                f"the next 5 before: {before_ids}; after: {after_ids}"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=100_000)
    parser.add_argument("--listeners", type=int, default=500)
    parser.add_argument("--plays", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each kind")
    parser.add_argument("--bin", default=os.environ.get("TERMPLAYER_BIN", str(REPO / ".build" / "release" / "termplayer")))
    arguments = parser.parse_args()
    os.environ["TERMPLAYER_BIN"] = arguments.bin
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-recommend-"))
    try:
        table = rows(work, bench.Server, bench.tone_mp3, bench.write_bundles, arguments.songs, arguments.listeners, arguments.plays, arguments.requests)
    finally:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    print_table(table)


if __name__ == "__main__":
    main()
