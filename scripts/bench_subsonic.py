#!/usr/bin/env python3
"""The OpenSubsonic API (/rest) at 100,000 songs, and the terminal UI playing from it, on the release binary.

A library of --songs songs is seeded as bench_live.py seeds one (catalog rows and bundles written directly; with
BENCH_UI_SCALE_KEEP=DIR the one bench_ui_scale keeps there, read through a copy of its catalog so the account made
here stays out of it). The service is started over it and left until its start-up walk is over; a listener is
added with `termplayer user add NAME --password-stdin`, and every /rest request signs in as that listener the way
Subsonic clients do: u, t = md5(password + salt) and s (one salt for a run of wrk; the server checks the token on
every request all the same).

1. wrk, one connection, --seconds each: `search3` with a word (default counts, 20 of each), `search3` with the
   empty query and songCount=500 (artistCount=albumCount=0, what clients send to sync a whole library) at one
   offset and over every page in turn, `getAlbumList2` by name, newest and random (size=50). Each in JSON (f=json)
   and in XML (no f), the XML's p50 beside the JSON's. Each answer is checked once first (status="ok" and the
   number of entries): a Subsonic error comes back as HTTP 200, which wrk cannot tell from success.
2. `/rest/stream` of one song: time to the first body byte on a fresh connection (from before connect() to the
   first byte after the headers), and to the last; GET /media/{key} of the same song in turn with it, as a peer.
3. The real `termplayer` in tmux, a fresh $XDG_CACHE_HOME for each start: `--server subsonic+http://NAME@HOST:PORT`
   with TERMPLAYER_PASSWORD, and, in turn with it, `--server http://HOST:PORT` logged in as the same listener
   (`termplayer login`). Timed from launching the command to the first frame (keys accepted), the first frame
   with songs on it, and the frame whose status reads "100000 songs" (the screen polled every 5 ms).

    scripts/bench.py --only subsonic                   # 100,000 songs (seeding ~2 min, then ~5 min)
    scripts/bench.py --only subsonic --songs 20000 --seconds 3   # quick
    BENCH_UI_SCALE_KEEP=/tmp/uiscale scripts/bench.py --only subsonic   # seed once, reuse after
    BENCH_SUBSONIC_RUNS=200,5 scripts/bench.py --only subsonic  # stream runs, TUI starts of each kind

bench.py runs this (`--only subsonic`, and in the full run).
"""

import hashlib
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import bench_live
import bench_ui
from bench_listeners import wrk
from proc_stats import memory_mib

SOCKET = "termplayer-bench-subsonic"  # a tmux server of its own
USER = ("benchsub", "bench-subsonic-password")
WORD = "0042"  # in titles ("Title 004217"), albums ("Album 00042") and artists ("Artist 0042")
OFFSET = 50_000  # the empty query's page, at --songs 100,000 the middle of the library
PAGE = 500


# MARK: The library and the listener


def library_for(work, count, song, facts, Server, write_bundles):
    """A seeded library of `count` songs for this run: bench_ui_scale's kept one behind a copy of its catalog
    (its bucket linked, not copied: the etags are the same files'), else one seeded under `work`."""
    keep = os.environ.get("BENCH_UI_SCALE_KEEP")
    library = work / f"library-{count}"
    if not keep:
        took = bench_live.seed_library(library, count, song, facts, Server, write_bundles)
        print(f"bench: subsonic, {count:,} songs seeded in {took:.0f} s", file=sys.stderr)
        return library
    import bench_ui_scale
    Path(keep).mkdir(parents=True, exist_ok=True)
    kept = bench_ui_scale.seeded(Path(keep), count, song, facts, Server, write_bundles)
    library.mkdir(parents=True)
    for entry in kept.iterdir():
        if entry.name == "bucket":
            (library / "bucket").symlink_to(entry.resolve(), target_is_directory=True)
        elif entry.is_dir():
            shutil.copytree(entry, library / entry.name)
        elif entry.name != "seeded":
            shutil.copy2(entry, library / entry.name)
    return library


def termplayer(binary, *arguments, stdin="", environment=None):
    result = subprocess.run([str(binary), *arguments], input=stdin, capture_output=True, text=True,
                            env={**os.environ, **(environment or {})})
    if result.returncode != 0:
        sys.exit(f"bench: termplayer {' '.join(arguments)} failed: {result.stderr.strip()}")
    return result.stdout


def signed(parameters, json_format):
    """`parameters` and the credentials of USER as a client sends them, for one request (or a wrk run)."""
    salt = secrets.token_hex(6)
    auth = {"u": USER[0], "t": hashlib.md5((USER[1] + salt).encode()).hexdigest(), "s": salt, "v": "1.16.1", "c": "bench"}
    if json_format:
        auth["f"] = "json"
    return urllib.parse.urlencode({**parameters, **auth})


# MARK: 1. Requests


def endpoints(count):
    """(label, method, parameters, what to count in the answer, how many are expected)."""
    sync = {"query": "", "songCount": PAGE, "artistCount": 0, "albumCount": 0}
    offset = min(OFFSET, max(0, count - PAGE))
    return [
        (f"search3?query={WORD} (20 songs, albums, artists)", "search3", {"query": WORD}, "song", 20),
        (f"search3?query=\"\"&songCount={PAGE}&songOffset={offset:,}", "search3", {**sync, "songOffset": offset}, "song", PAGE),
        (f"search3?query=\"\"&songCount={PAGE}, every page 0…{count - PAGE:,} in turn", "search3", sync, "song", None),
        ("getAlbumList2?type=alphabeticalByName&size=50", "getAlbumList2", {"type": "alphabeticalByName", "size": 50}, "album", 50),
        ("getAlbumList2?type=newest&size=50", "getAlbumList2", {"type": "newest", "size": 50}, "album", 50),
        ("getAlbumList2?type=random&size=50", "getAlbumList2", {"type": "random", "size": 50}, "album", 50),
    ]


def checked(url, json_format, element, expected):
    """GET `url`; exits unless it is a Subsonic success holding `expected` `element`s (any number when None)."""
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    if json_format:
        answer = json.loads(body)["subsonic-response"]
        ok = answer.get("status") == "ok"
        found = next((len(value.get(element, [])) for key, value in answer.items() if isinstance(value, dict)), 0)
    else:
        text = body.decode()
        ok = 'status="ok"' in text
        found = text.count(f"<{element} ")
    if not ok or (expected is not None and found != expected):
        sys.exit(f"bench: {url} answered {found} {element}s, not {expected}: {body[:300]!r}")
    return len(body)


def request_figures(url, count, seconds, work):
    """{(label, json?): (p50, p99, rate, bytes)} over one connection."""
    figures = {}
    for label, method, parameters, element, expected in endpoints(count):
        for json_format in (True, False):
            if label.endswith("in turn"):
                pages = [f"/rest/{method}?" + signed({**parameters, "songOffset": offset}, json_format) for offset in range(0, count, PAGE)]
                size = checked(url + pages[len(pages) // 2], json_format, element, PAGE)
                script = work / f"pages-{int(json_format)}.lua"
                script.write_text(bench_live.ROTATION_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in pages)})
                p50, p99, rate = wrk(url + "/", seconds, script)
            else:
                target = f"{url}/rest/{method}?" + signed(parameters, json_format)
                size = checked(target, json_format, element, expected)
                p50, p99, rate = wrk(target, seconds)
                checked(target, json_format, element, expected)  # still signed in after the run (no lockout)
            figures[(label, json_format)] = (p50, p99, rate, size)
    return figures


# MARK: 2. First byte of a song


def first_byte(port, path):
    """Seconds to the first body byte and to the last, on a fresh connection; exits unless a whole 200 audio/*."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                sys.exit(f"bench: {path} closed before its headers: {data[:300]!r}")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        received = len(body)
        while not received:
            chunk = connection.recv(65536)
            if not chunk:
                sys.exit(f"bench: {path} sent no body: {head!r}")
            received += len(chunk)
        first = time.perf_counter()
        while chunk := connection.recv(1 << 20):
            received += len(chunk)
        last = time.perf_counter()
    headers = head.decode("latin-1").lower()
    length = next((int(line.split(":", 1)[1]) for line in headers.splitlines() if line.startswith("content-length:")), None)
    if not headers.startswith("http/1.1 200") or "content-type: audio/" not in headers or received != length:
        sys.exit(f"bench: {path} answered {head!r} and {received} bytes")
    return first - started, last - started


def stream_figures(url, song_id, runs):
    """{'stream' | 'media': (sorted first-byte ms, sorted last-byte ms)}, the two asked in turn."""
    port = int(urllib.parse.urlsplit(url).port)
    paths = {"stream": "/rest/stream?" + signed({"id": song_id}, json_format=False), "media": f"/media/{song_id}.mp3"}
    times = {name: ([], []) for name in paths}
    for run in range(runs + 5):  # five of each first, not counted: the file in the page cache, the code paths warm
        for name, path in paths.items():
            first, last = first_byte(port, path)
            if run >= 5:
                times[name][0].append(first * 1000)
                times[name][1].append(last * 1000)
    return {name: (sorted(first), sorted(last)) for name, (first, last) in times.items()}


# MARK: 3. The TUI


def tmux(*arguments, capture=False):
    return bench_ui.tmux(*arguments, capture=capture, socket=SOCKET)


def tui_start(binary, server, count, environment, work, label):
    """One start with a fresh cache: ms to the first frame, to songs on it and to all `count` listed; peak RSS."""
    cache = work / f"cache-{label}"
    shutil.rmtree(cache, ignore_errors=True)
    variables = " ".join(f"{name}={value}" for name, value in {"LANG": "C.UTF-8", "XDG_CACHE_HOME": cache, **environment}.items())
    tmux("kill-server")
    started = time.monotonic()
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48", f"env {variables} {binary} --server {server}; sleep 600")
    pid = None
    try:
        first = bench_ui.wait_for(lambda text: "1 Songs" in text, 10, SOCKET)
        shown = bench_ui.wait_for(lambda text: "Title 0" in text, 120, SOCKET)
        listed = bench_ui.wait_for(lambda text: f"{count} songs" in text, 120, SOCKET)
        if listed is None:
            sys.exit(f"bench: the UI ({label}) did not list {count} songs in 120 s:\n{bench_ui.screen(SOCKET)}")
        shell = tmux("list-panes", "-t", "0", "-F", "#{pane_pid}", capture=True).split()[0]
        pid = int(subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()[0])
        _, peak = memory_mib(pid)
    finally:
        tmux("send-keys", "-t", "0", "q")
        deadline = time.monotonic() + 10  # gone (its cache written) before the next start
        while pid and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        tmux("kill-server")
    return {"first": (first - started) * 1000 if first else None, "shown": (shown - started) * 1000 if shown else None,
            "listed": (listed - started) * 1000, "peak": peak}


def tui_figures(binary, url, count, runs, work):
    """{'subsonic' | 'native': [one start's figures, …]}, the two started in turn."""
    address = urllib.parse.urlsplit(url)
    native_config = work / "config-native"
    native_config.mkdir(exist_ok=True)
    termplayer(binary, "login", USER[0], "--server", url, stdin=USER[1] + "\n", environment={"XDG_CONFIG_HOME": str(native_config)})
    kinds = {
        "subsonic": (f"subsonic+http://{USER[0]}@{address.hostname}:{address.port}",
                     {"TERMPLAYER_PASSWORD": USER[1], "XDG_CONFIG_HOME": work / "config-subsonic"}),
        "native": (url, {"XDG_CONFIG_HOME": native_config}),
    }
    (work / "config-subsonic").mkdir(exist_ok=True)
    results = {kind: [] for kind in kinds}
    for _ in range(runs):
        for kind, (server, environment) in kinds.items():
            results[kind].append(tui_start(binary, server, count, environment, work, kind))
    return results


# MARK: Rows


def rows(work, binary, Server, tone_mp3, write_bundles, count=100_000, seconds=10):
    """The table's rows, for bench.py."""
    stream_runs, tui_runs = (int(value) for value in os.environ.get("BENCH_SUBSONIC_RUNS", "300,3").split(","))
    work.mkdir(parents=True, exist_ok=True)
    song = tone_mp3(work, 180)
    facts = bench_live.audio_facts(work / "facts", Server, song)
    library = library_for(work, count, song, facts, Server, write_bundles)
    server, walk = bench_live.serve_seeded(Server, library, count)
    try:
        print(f"bench: subsonic, {count:,} songs: start-up walk {walk:.0f} s", file=sys.stderr)
        termplayer(binary, "user", "add", USER[0], "--password-stdin", "--server", server.url, "--token", bench_live.TOKEN,
                   stdin=USER[1] + "\n")
        requests = request_figures(server.url, count, seconds, work)
        streams = stream_figures(server.url, f"song{count // 2:06d}", stream_runs)
        tuis = tui_figures(binary, server.url, count, tui_runs, work) if shutil.which("tmux") else None
        service_rss, service_peak = server.memory()
    finally:
        server.stop()
    if not os.environ.get("BENCH_UI_SCALE_KEEP"):
        shutil.rmtree(library, ignore_errors=True)

    def over(value, limit):
        return "" if value < limit else " — **over target**"

    out = []
    for label, *_ in endpoints(count):
        j50, j99, jrate, jsize = requests[(label, True)]
        x50, x99, xrate, xsize = requests[(label, False)]
        out.append((f"/rest/{label}, {count:,} songs, 1 connection",
                    f"JSON p50 {j50:.2f} ms, p99 {j99:.2f} ms{over(j99, 10)} ({jrate:,.0f} req/s); "
                    f"XML p50 {x50:.2f} ms, p99 {x99:.2f} ms{over(x99, 10)} ({xrate:,.0f} req/s); "
                    f"XML/JSON p50 {x50 / j50:.2f}×{over(x50 / j50, 1.5)}",
                    "p99 < 10 ms; XML within 1.5× of JSON",
                    f"answer {jsize / 1000:,.1f} kB JSON, {xsize / 1000:,.1f} kB XML"))
    (stream_first, stream_last), (media_first, media_last) = streams["stream"], streams["media"]
    out.append((f"/rest/stream first body byte, fresh connection, {len(stream_first)} runs",
                f"min {stream_first[0]:.2f} ms, median {statistics.median(stream_first):.2f} ms, "
                f"p99 {bench_live.percentile(stream_first, 0.99):.2f} ms{over(bench_live.percentile(stream_first, 0.99), 5)}; "
                f"whole 2.9 MB song: median {statistics.median(stream_last):.1f} ms",
                "< 5 ms",
                f"GET /media/{{key}}, same song, in turn: first byte min {media_first[0]:.2f} ms, median {statistics.median(media_first):.2f} ms, "
                f"p99 {bench_live.percentile(media_first, 0.99):.2f} ms; whole: median {statistics.median(media_last):.1f} ms"))
    if tuis:
        def summary(starts, key, limit=None):
            values = sorted(start[key] for start in starts if start[key] is not None)
            if not values:
                return "never"
            middle = statistics.median(values)
            spread = f" ({values[0]:,.0f}–{values[-1]:,.0f})" if len(values) > 1 else ""
            return f"{middle:,.0f} ms{spread}" + (over(middle, limit) if limit else "")

        subsonic, native = tuis["subsonic"], tuis["native"]
        runs = f"median of {len(subsonic)} cold starts (min–max)"
        out.append((f"UI over Subsonic (`--server subsonic+http://…`), {count:,} songs: first frame (keys accepted)",
                    summary(subsonic, "first", 500), "< 500 ms",
                    f"own API (`--server http://…`, logged in): {summary(native, 'first')}; {runs}"))
        out.append((f"UI over Subsonic, {count:,} songs: first frame with songs on it", summary(subsonic, "shown"), "—",
                    f"own API: {summary(native, 'shown')}"))
        out.append((f"UI over Subsonic, {count:,} songs: whole library listed (\"{count} songs\")", summary(subsonic, "listed", 3000), "< 3 s",
                    f"own API: {summary(native, 'listed')}"))
        peak = max(start["peak"] for start in subsonic)
        out.append((f"UI over Subsonic, {count:,} songs: peak RSS (VmHWM) once listed", f"{peak:.0f} MiB", "—",
                    f"own API: {max(start['peak'] for start in native):.0f} MiB; service RSS {service_rss:.0f} MiB (peak {service_peak:.0f})"))
    return out


def main():
    import argparse
    import tempfile

    from bench_table import print_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    arguments = parser.parse_args()
    import bench  # its Server, bundles and tone, which run the binary bench.BIN
    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-subsonic-"))
    try:
        table = rows(work, bench.BIN, bench.Server, bench.tone_mp3, bench.write_bundles, arguments.songs, arguments.seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print_table(table)


if __name__ == "__main__":
    main()
