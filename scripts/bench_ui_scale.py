#!/usr/bin/env python3
"""The terminal UI at scale (issue 12): the real `termplayer` in tmux against a service seeded with 100,000 and
1,000,000 songs, in the same run, each started twice — cold (an empty $XDG_CACHE_HOME: the whole library
fetched from the service) and warm (a second start with the same cache: the cached library, then the feed).

For each start: the first frame on tmux's screen (keys accepted) and the frame listing the whole library,
both timed from launching the command (the screen polled every 5 ms); key → frame p50/p99 over a scripted
session of moves, pages, views, sorts and a search typed and erased (TERMPLAYER_FRAME_LOG, measured inside
the UI); the UI's peak RSS (VmHWM from /proc) at the end of the session. The cold run waits for the cache to
be written (its `synced_at`) before the session, so the warm start finds it whole.

The libraries are seeded as bench_live.py seeds them (catalog rows and bundles written directly), which is
most of the time at 1,000,000 songs; BENCH_UI_SCALE_KEEP=DIR keeps them in DIR and reuses them next time.

    scripts/bench.py --only uiscale                    # 100,000 and 1,000,000 songs
    scripts/bench.py --only uiscale --songs 2000       # quick: 2,000 and 20,000
    BENCH_UI_SCALE_KEEP=/tmp/uiscale scripts/bench.py --only uiscale   # seed once (~25 min at 1,000,000), then minutes
    TERMPLAYER_BIN=/tmp/termplayer-before scripts/bench.py --only uiscale   # another build, beside
"""

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_ui
from proc_stats import memory_mib

# A tmux server of its own: bench_ui's (and anyone else's) is left alone.
SOCKET = "termplayer-bench-ui-scale"


def tmux(*arguments, capture=False):
    return bench_ui.tmux(*arguments, capture=capture, socket=SOCKET)


def screen():
    return bench_ui.screen(SOCKET)


def wait_for(predicate, timeout):
    return bench_ui.wait_for(predicate, timeout, SOCKET)

# Moving, paging, jumping, every view, a search typed and erased, every sort.
KEYS = (["j"] * 40 + ["PageDown"] * 20 + ["G", "g", "C-d", "C-u"] + ["k"] * 20 + ["2", "j", "j", "l", "j", "h"]
        + ["3", "j", "l", "l", "j", "h", "h", "4", "5", "/"] + list("title 0042") + ["BSpace"] * 4 + list("99")
        + ["BSpace"] * 6 + ["Escape", "1", "o", "o", "o", "o"])


def cache_synced(cache_home):
    """The cache file's `synced_at`, once a whole library is in it; None before."""
    for path in (cache_home / "termplayer").glob("library-*.sqlite"):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
            row = db.execute("SELECT value FROM meta WHERE key = 'synced_at'").fetchone()
            count = db.execute("SELECT count(*) FROM songs").fetchone()[0]
            db.close()
            if row:
                return count
        except sqlite3.Error:
            pass
    return None


def percentile(values, fraction):
    """The nearest-rank percentile of sorted `values`."""
    return values[min(len(values) - 1, max(0, int(round(fraction * len(values) + 0.5)) - 1))]


def one_start(binary, url, count, cache_home, work, label):
    """One start of the TUI: {first, listed, p50, p99, max, slowest, keys, peak, rss}."""
    frame_log = work / f"frames-{count}-{label}.log"
    frame_log.unlink(missing_ok=True)
    environment = f"LANG=C.UTF-8 TERMPLAYER_FRAME_LOG={frame_log} XDG_CONFIG_HOME={work} XDG_CACHE_HOME={cache_home}"
    tmux("kill-server")
    started = time.monotonic()
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48", f"env {environment} {binary} --server {url}; sleep 600")
    result, pid = {}, None
    try:
        first = wait_for(lambda text: "1 Songs" in text, 10)
        # The first title on screen ("Title 000000" sorts first): the first frame with songs.
        shown = wait_for(lambda text: "Title 0" in text, 120)
        listed = wait_for(lambda text: f"{count} songs" in text, 120)
        result["first"] = (first - started) * 1000 if first else None
        result["shown"] = (shown - started) * 1000 if shown else None
        result["listed"] = (listed - started) * 1000 if listed else None
        pid = int(subprocess.run(["pgrep", "-n", "-f", f"{binary} --server {url}"], capture_output=True, text=True).stdout.split()[0])
        if label == "cold":
            deadline = time.monotonic() + 120
            while cache_synced(cache_home) != count and time.monotonic() < deadline:
                time.sleep(0.1)
            result["cached"] = (time.monotonic() - started) * 1000
        time.sleep(1)
        for key in KEYS:
            tmux("send-keys", "-t", "0", key)
            time.sleep(0.03)
        time.sleep(1)
        entries = [line.split(" ", 1) for line in frame_log.read_text().splitlines() if line] if frame_log.exists() else []
        timed = sorted((int(micros) / 1000, keys.split(" reduce=")[0]) for micros, keys in entries)
        if os.environ.get("BENCH_UI_DETAIL"):
            for milliseconds, key in timed[-8:]:
                print(f"  {count} {label} slow key: {milliseconds:.2f} ms {key}", file=sys.stderr)
        latencies = [milliseconds for milliseconds, _ in timed]
        if latencies:
            result.update(p50=statistics.median(latencies), p99=percentile(latencies, 0.99), max=latencies[-1], slowest=timed[-1][1],
                          keys=len(latencies))
        if not Path(f"/proc/{pid}").exists():
            sys.exit(f"bench: the UI ({count} songs, {label} start) ended during the session:\n{screen()}")
        result["rss"], result["peak"] = memory_mib(pid)
    finally:
        tmux("send-keys", "-t", "0", "q")
        # The next start must not find this one still writing its cache (it takes up to 2 s to finish).
        deadline = time.monotonic() + 10
        while pid and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        tmux("kill-server")
    return result


def seeded(root, count, song, facts, Server, write_bundles):
    """A library of `count` seeded songs under `root`, made unless one is there already."""
    import bench_live
    library = root / f"ui-library-{count}"
    if (library / "seeded").exists():
        return library
    shutil.rmtree(library, ignore_errors=True)
    # A tone of its own (and its copies every 50,000 links, beside it): ext4 allows 65,000 links to a file.
    tones = root / f"tones-{count}"
    tones.mkdir(exist_ok=True)
    shutil.copyfile(song, tones / song.name)
    took = bench_live.seed_library(library, count, tones / song.name, facts, Server, write_bundles)
    (library / "seeded").write_text(f"{took:.0f} s\n")
    print(f"bench: ui scale, {count:,} songs seeded in {took:.0f} s", file=sys.stderr)
    return library


def rows(work, binary, Server, tone_mp3, write_bundles, sizes=(100_000, 1_000_000)):
    """The table's rows, for bench.py. BENCH_UI_SCALE_SIZES=100000 (comma-separated) runs only those sizes."""
    import bench_live
    if os.environ.get("BENCH_UI_SCALE_SIZES"):
        sizes = tuple(int(size) for size in os.environ["BENCH_UI_SCALE_SIZES"].split(","))
    work.mkdir(parents=True, exist_ok=True)
    keep = os.environ.get("BENCH_UI_SCALE_KEEP")
    root = Path(keep) if keep else work
    root.mkdir(parents=True, exist_ok=True)
    song = root / "tone-180s-128k.mp3"
    if not song.exists():
        song = tone_mp3(root, 180)
    facts = bench_live.audio_facts(work / "facts", Server, song)
    results = {}
    for count in sizes:
        library = seeded(root, count, song, facts, Server, write_bundles)
        server, walk = bench_live.serve_seeded(Server, library, count)
        try:
            print(f"bench: ui scale, {count:,} songs: start-up walk {walk:.0f} s", file=sys.stderr)
            cache_home = work / f"cache-{count}"
            shutil.rmtree(cache_home, ignore_errors=True)
            results[count] = {label: one_start(binary, server.url, count, cache_home, work, label) for label in ("cold", "warm")}
        finally:
            server.stop()
        if not keep:
            shutil.rmtree(library, ignore_errors=True)

    def ms(value, limit=None):
        if value is None:
            return "never"
        return f"{value:,.0f} ms" + ("" if limit is None or value < limit else " — **over target**")

    out = []
    for count in sizes:
        cold, warm = results[count]["cold"], results[count]["warm"]
        out.append((f"UI at {count:,} songs: first frame with songs on it, warm / cold", f"{ms(warm['shown'], 300)} / {ms(cold['shown'])}",
                    "warm < 300 ms", f"first frame of all (keys accepted): {ms(warm['first'])} / {ms(cold['first'])}"))
        out.append((f"UI at {count:,} songs: whole library listed, warm / cold", f"{ms(warm['listed'], 1000)} / {ms(cold['listed'], 8000)}",
                    "warm < 1 s, cold < 8 s", f"cold: cache written after {ms(cold.get('cached'))}"))
        for label, run in (("warm", warm), ("cold", cold)):
            if "p50" in run:
                over = "" if run["p99"] < 10 else " — **over target**"
                out.append((f"UI at {count:,} songs: key → frame, {label} start ({run['keys']} frames: moves, pages, views, search, sorts)",
                            f"p50 {run['p50']:.2f} ms, p99 {run['p99']:.2f} ms{over}, max {run['max']:.1f} ms (`{run['slowest']}`)",
                            "p99 < 10 ms", "—"))
        limit = 100 if count <= 100_000 else 600
        for label, run in (("warm", warm), ("cold", cold)):
            over = "" if run["peak"] < limit else " — **over target**"
            out.append((f"UI at {count:,} songs: peak RSS (VmHWM), {label} start", f"{run['peak']:.0f} MiB{over} (RSS after the session {run['rss']:.0f} MiB)",
                        f"< {limit} MiB", "—"))
    return out
