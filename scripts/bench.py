#!/usr/bin/env python3
"""TermPlayer's benchmarks. `make bench` builds in release mode and runs this.

Everything runs the real release binary as a user would (`termplayer serve`, `upload`, `play`) and
measures it from outside: wall-clock rates, latency percentiles from wrk, memory and CPU time from /proc,
and what a private PulseAudio server's null sink actually plays (bench_player.py). The table it
prints names the targets from DESIGN.md and, where one exists, a peer or anchor to compare with.

    scripts/bench.py                 # the full run (100,000 songs; a few minutes)
    scripts/bench.py --songs 20000   # a quicker run on a smaller library
    scripts/bench.py --only scaled   # S3 + SQS ingest and PostgreSQL (under scripts/test-services.sh)
    scripts/bench.py --only listeners  # likes, plays, playlists at 1,000,000 plays, SQLite and PostgreSQL (bench_listeners.py)
    scripts/bench.py --only art      # covers in the UI: time to screen, scrolling albums, memory (bench_art.py)
    scripts/bench.py --only recommend  # recommendations at 1,000,000 plays: rebuild, memory, request latency (bench_recommend_service.py)
    scripts/bench.py --only peer     # /songs?genre=Rock&limit=100 beside the original's FastAPI + MariaDB stack (bench_original_peer.py)
    scripts/bench.py --only live     # reads at --songs and 10× as many, and upload → a connected TUI's screen (bench_live.py)
    scripts/bench.py --only uiscale  # the TUI at --songs and 10× as many, cold and warm cache: start, keys, memory (bench_ui_scale.py)
    scripts/bench.py --only tui-audio  # Enter in the TUI → first audio at the sink, streamed and kept (bench_tui_audio.py)
    scripts/bench.py --only subsonic   # /rest search3, getAlbumList2 (JSON, XML) and stream at --songs; the TUI over Subsonic (bench_subsonic.py)
    scripts/bench.py --only contract   # schemathesis --checks all at length, with and without the token (bench_contract.py)
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from proc_stats import memory_mib
from bench_table import print_table

REPO = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("TERMPLAYER_BIN", REPO / ".build" / "release" / "termplayer"))
GENRES = ["Rock", "Indie", "Pop", "Hiphop", "Jazz", "Country", "Classical", "Other"]


def run(*command, **options):
    return subprocess.run(command, check=True, capture_output=True, text=True, **options)


def need(tool, package):
    if shutil.which(tool) is None:
        sys.exit(f"bench: {tool} is missing (apt-get install {package}; `make bench` installs it)")


def tone_mp3(folder, seconds, bitrate=128):
    """A sine tone encoded by lame, standing in for a song of that length."""
    wav = folder / f"tone-{seconds}.wav"
    mp3 = folder / f"tone-{seconds}s-{bitrate}k.mp3"
    run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", str(wav), "synth", str(seconds), "sine", "440", "vol", "0.5")
    run("lame", "--quiet", "-b", str(bitrate), "--cbr", str(wav), str(mp3))
    wav.unlink()
    return mp3


def write_bundles(folder, count, mp3, prefix="song"):
    """`count` bundles: a distinct JSON each, the MP3 hard-linked (same bytes, no disk cost)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = mp3
    for index in range(count):
        if index % 50_000 == 0 and index:  # ext4 allows 65,000 links to one file: start a fresh copy
            source = mp3.with_name(f"{mp3.stem}-{index}{mp3.suffix}")
            shutil.copyfile(mp3, source)
        name = f"{prefix}{index:06d}"
        document = {
            "title": f"Title {index * 7919 % count:06d}",
            "album": f"Album {index // 12:05d}",
            "artist": f"Artist {index // 120:04d}",
            "genre": index % 8 + 1,
            "year": 1960 + index % 60,
        }
        (folder / f"{name}.json").write_text(json.dumps(document, separators=(",", ":")))
        os.link(source, folder / f"{name}.mp3")


class Server:
    """`termplayer serve` on a free loopback port, over `library`."""

    def __init__(self, library, *extra):
        self.process = subprocess.Popen(
            [str(BIN), "serve", "--library", str(library), "--port", "0", "--log-level", "warning", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.started = time.monotonic()
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.process.kill()
            sys.exit(f"bench: termplayer serve did not start: {line!r}")
        self.url = match.group(1)

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read()

    def song_count(self):
        return json.loads(self.get("/status"))["songs"]

    def wait_for_songs(self, count, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.song_count() >= count:
                return time.monotonic()
            time.sleep(0.05)
        sys.exit(f"bench: only {self.song_count()} of {count} songs after {timeout} s")

    def memory(self):
        """(current RSS, peak RSS) in MiB, from /proc."""
        return memory_mib(self.process.pid)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk_percentiles(url, seconds):
    """p50 and p99 latency in ms over one connection, as wrk --latency reports them."""
    output = run("wrk", "-t1", "-c1", f"-d{seconds}s", "--latency", url).stdout
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    found = {}
    for percent, value, unit in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        found[percent] = float(value) * units[unit]
    requests = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return found["50"], found["99"], float(requests.group(1)) if requests else 0


def timed_downloads(url, repeat):
    """Median seconds and bytes of whole downloads of `url`."""
    times, size = [], 0
    for _ in range(repeat):
        out = run("curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", url).stdout.split()
        times.append(float(out[0]))
        size = int(out[1])
    return statistics.median(times), size


def library_benchmarks(work, arguments):
    """The service: ingest, queries, memory, restart, uploads."""
    rows = []
    # A three-minute 128 kbps MP3 (2.9 MB): ingest reads and probes a realistic file for every song.
    song = tone_mp3(work, 180)

    # 1. Start-up ingest of bundles already in the bucket (the local pipeline end to end).
    library = work / "library"
    write_bundles(library / "bucket", arguments.songs, song)
    server = Server(library)
    done = server.wait_for_songs(arguments.songs, timeout=max(600, arguments.songs / 50))
    ingest_rate = arguments.songs / (done - server.started)
    rows.append(("ingest, local bucket → catalog", f"{ingest_rate:,.0f} bundles/s", "≥ 500 bundles/s",
                 "gonic first scan ≈ 80 tracks/s (DESIGN.md anchor, not run here)"))
    _, ingest_peak = server.memory()

    # 2. Queries against the full catalog.
    p50, p99, rate = wrk_percentiles(server.url + "/songs?genre=Jazz&limit=100", arguments.seconds)
    rows.append((f"GET /songs?genre=Jazz&limit=100, {arguments.songs:,} songs", f"p50 {p50:.2f} ms, p99 {p99:.2f} ms ({rate:,.0f} req/s, 1 connection)",
                 "p50 < 2 ms, p99 < 10 ms", "—"))
    p50, p99, rate = wrk_percentiles(server.url + "/songs?q=title%20004&limit=100", arguments.seconds)
    rows.append((f"GET /songs?q=…&limit=100 (substring search), {arguments.songs:,} songs", f"p50 {p50:.2f} ms, p99 {p99:.2f} ms",
                 "—", "—"))
    median, size = timed_downloads(server.url + "/songs", 5)
    rows.append((f"GET /songs (all {arguments.songs:,})", f"{median * 1000:.0f} ms for {size / 1e6:.1f} MB", "< 300 ms", "—"))
    rss, peak = server.memory()
    rows.append((f"service RSS with {arguments.songs:,} songs", f"{rss:.0f} MiB after queries (peak {peak:.0f} MiB, {ingest_peak:.0f} during ingest)",
                 "< 60 MiB", "—"))
    server.stop()

    # 3. Restart over the ingested library: how long until it answers. Then the terminal UI against it.
    restarted = Server(library)
    first_answer = time.monotonic() - restarted.started
    restarted.get("/healthz")
    rows.append((f"restart with {arguments.songs:,} songs", f"answering after {first_answer * 1000:.0f} ms", "—", "—"))
    if shutil.which("tmux"):
        import bench_ui
        rows += bench_ui.run(BIN, restarted.url, arguments.songs)
    restarted.stop()

    # 4. Uploads through the API with `termplayer upload` (JSON first, then MP3, 4 bundles in flight).
    uploads = work / "uploads"
    small = tone_mp3(work, 20)
    write_bundles(uploads, arguments.uploads, small, prefix="upload")
    target = work / "upload-library"
    server = Server(target)
    token = (target / "token").read_text().strip()
    started = time.monotonic()
    subprocess.run([str(BIN), "upload", "--server", server.url, "--token", token, str(uploads)],
                   check=True, stdout=subprocess.DEVNULL)
    upload_rate = arguments.uploads / (time.monotonic() - started)
    server.stop()
    rows.append((f"termplayer upload of {arguments.uploads:,} bundles over HTTP", f"{upload_rate:,.0f} bundles/s", "—", "—"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=100_000, help="library size for the service benchmarks")
    parser.add_argument("--uploads", type=int, default=2_000, help="bundles uploaded through the API")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each latency run")
    parser.add_argument("--sqs-bundles", type=int, default=1_000, help="bundles ingested through S3 + SQS")
    parser.add_argument("--only", choices=["library", "player", "scaled", "sqs", "listeners", "art", "recommend", "peer", "live", "uiscale", "tui-audio", "subsonic", "contract"], help="run one section (the UI's run with the library's; sqs: the S3 + SQS part of scaled)")
    arguments = parser.parse_args()
    for tool, package in [("sox", "sox"), ("lame", "lame"), ("wrk", "wrk"), ("curl", "curl"), ("mpg123", "mpg123"),
                          ("pulseaudio", "pulseaudio"), ("parec", "pulseaudio-utils"), ("tmux", "tmux")]:
        need(tool, package)
    if not BIN.exists():
        sys.exit(f"bench: {BIN} is missing; run `swift build -c release` (make bench does)")

    rows = []
    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-"))
    try:
        if arguments.only in (None, "player"):
            import bench_player
            rows += bench_player.run(work / "player", BIN, Server, tone_mp3)
        if arguments.only in (None, "library"):
            rows += library_benchmarks(work, arguments)
        if arguments.only in (None, "scaled", "sqs"):
            import bench_scaled
            rows += bench_scaled.rows(work / "scaled", Server, tone_mp3, write_bundles, wrk_percentiles, arguments.songs,
                                      arguments.seconds, arguments.sqs_bundles, sqs_only=arguments.only == "sqs")
        if arguments.only in (None, "art"):
            import bench_art
            import bench_player
            rows += bench_art.rows(work / "art", BIN, Server, tone_mp3, write_bundles, bench_player.PulseServer)
        if arguments.only in (None, "listeners"):
            import bench_listeners
            rows += bench_listeners.rows(work / "listeners", Server, tone_mp3, write_bundles, arguments.songs, arguments.seconds)
        if arguments.only in (None, "recommend"):
            import bench_recommend_service
            rows += bench_recommend_service.rows(work / "recommend", Server, tone_mp3, write_bundles, arguments.songs)
        if arguments.only in (None, "peer"):
            import bench_original_peer
            rows += bench_original_peer.rows(work / "peer", Server, tone_mp3, write_bundles, arguments.songs, arguments.seconds)
        if arguments.only in (None, "live"):
            import bench_live
            rows += bench_live.rows(work / "live", BIN, Server, tone_mp3, write_bundles, (arguments.songs, 10 * arguments.songs),
                                    arguments.seconds)
        if arguments.only in (None, "uiscale"):
            import bench_ui_scale
            rows += bench_ui_scale.rows(work / "uiscale", BIN, Server, tone_mp3, write_bundles, (arguments.songs, 10 * arguments.songs))
        if arguments.only in (None, "tui-audio"):
            import bench_tui_audio
            rows += bench_tui_audio.rows(work / "tui-audio", BIN, Server)
        if arguments.only in (None, "subsonic"):
            import bench_subsonic
            rows += bench_subsonic.rows(work / "subsonic", BIN, Server, tone_mp3, write_bundles, arguments.songs, arguments.seconds)
        if arguments.only in (None, "contract"):
            import bench_contract
            (work / "contract").mkdir()
            rows += bench_contract.rows(work / "contract", Server)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?")
    print()
    print(f"`{' '.join([Path(sys.argv[0]).name] + sys.argv[1:]) or 'bench.py'}` (via `make bench`), {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}")
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
