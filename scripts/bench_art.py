"""Album art in the terminal UI, for `make bench`: the real `termplayer` in a 160×48 tmux window against
a service whose albums each have a 600 × 600 JPEG cover (smoothed noise at quality 92, ~120 KB: decoding
costs what a real cover's does).

- Cover on screen: from sending Enter on a song of another album to the tmux screen showing that song in
  the panel with its cover's cells (polled every 2 ms), half-blocks and kitty placeholders (through tmux's
  passthrough). The UI fetches, decodes and encodes the cover on threads of its own.
- Scrolling view 3's artists at key-repeat speed (33 keys/s; each artist shows its first album's cover, so
  every key asks for a new one): key → frame latency from TERMPLAYER_FRAME_LOG, with covers on and off. A
  key that waited on decoding would show here.
- RSS after the scroll, covers on and off (the UI keeps at most 32 covers)."""

import os
import random
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from proc_stats import memory_mib

SOCKET = "termplayer-bench-art"
ALBUM_SIZE = 12
TITLE = re.compile(r"Title \d{6}")


def tmux(*arguments, capture=False):
    return subprocess.run(["tmux", "-L", SOCKET, *arguments], stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, text=True, check=False).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "0", capture=True) or ""


def noise_covers(folder, count):
    """`count` distinct 600 × 600 JPEGs of smoothed noise: real covers' size and decoding cost."""
    from PIL import Image, ImageFilter
    folder.mkdir(parents=True, exist_ok=True)
    covers = []
    generator = random.Random(7)
    for index in range(count):
        small = Image.frombytes("RGB", (75, 75), bytes(generator.randrange(256) for _ in range(75 * 75 * 3)))
        picture = small.resize((600, 600), Image.BICUBIC).filter(ImageFilter.GaussianBlur(1))
        path = folder / f"cover{index}.jpg"
        picture.save(path, quality=92)
        covers.append(path)
    return covers


def make_library(work, tone_mp3, write_bundles, albums):
    library = work / "art-library"
    bucket = library / "bucket"
    songs = albums * ALBUM_SIZE
    write_bundles(bucket, songs, tone_mp3(work, 30))
    covers = noise_covers(work / "covers", 16)
    for index in range(songs):
        # write_bundles puts song i in album i // 12: every song of an album carries the album's cover.
        os.link(covers[index // ALBUM_SIZE % len(covers)], bucket / f"song{index:06d}.jpg")
    return library, songs, covers


def start_ui(binary, url, pulse_env, art, frame_log, config=""):
    tmux("kill-server")
    environment = {
        "LANG": "C.UTF-8", "TERM": "xterm-256color", "TERMPLAYER_FRAME_LOG": str(frame_log),
        "XDG_CONFIG_HOME": str(frame_log.parent), "PULSE_SERVER": pulse_env["PULSE_SERVER"], "PULSE_SINK": pulse_env["PULSE_SINK"],
    }
    assignments = " ".join(f"{name}='{value}'" for name, value in environment.items())
    conf = frame_log.parent / "tmux.conf"
    conf.write_text(config)
    tmux("-f", str(conf), "new-session", "-d", "-x", "160", "-y", "48",
         f"env -u NO_COLOR {assignments} {binary} --server {url} --art {art}; sleep 60")


def wait_for(predicate, timeout, interval=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = screen()
        if predicate(text):
            return time.monotonic(), text
        time.sleep(interval)
    return None, screen()


def ui_pid(binary):
    found = subprocess.run(["pgrep", "-n", "-f", f"{binary} --server"], capture_output=True, text=True).stdout.split()
    return int(found[0]) if found else None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * (len(ordered) - 1)))]


def cover_latency(binary, url, pulse_env, art, cells, songs, config=""):
    """Ms from Enter on the first song of an album to its cover on screen, for artist 0's albums 2–10."""
    log = Path(tempfile.mkdtemp(prefix="termplayer-bench-art-")) / "frames.log"
    start_ui(binary, url, pulse_env, art, log, config)
    try:
        if wait_for(lambda text: f"{songs} songs" in text, 60)[0] is None:
            return None
        # View 3 lists albums in order: artist 0's albums, 12 songs each; Enter plays the album's songs.
        tmux("send-keys", "-t", "0", "3", "l")
        time.sleep(0.3)
        times = []
        for album in range(9):
            tmux("send-keys", "-t", "0", "j")
            time.sleep(0.4)
            tmux("send-keys", "-t", "0", "l")
            time.sleep(0.2)
            # The panel is the six rows over the status line: a new song's title there, with its cover's cells.
            before = set(TITLE.findall("\n".join(screen().splitlines()[-7:-1])))
            sent = time.monotonic()
            tmux("send-keys", "-t", "0", "Enter")

            def shown(text):
                panel = text.splitlines()[-7:-1]
                return any(cells(line) for line in panel) and bool(set(TITLE.findall("\n".join(panel))) - before)
            arrived, _ = wait_for(shown, 5)
            if arrived:
                times.append((arrived - sent) * 1000)
            tmux("send-keys", "-t", "0", "h")
            time.sleep(0.2)
        return times
    finally:
        tmux("send-keys", "-t", "0", "q")
        time.sleep(0.3)
        tmux("kill-server")


def scroll_albums(binary, url, pulse_env, art, songs, keys=150):
    """Key → frame latencies (ms) scrolling the artists at 33 keys/s, and the RSS after it."""
    log = Path(tempfile.mkdtemp(prefix="termplayer-bench-art-")) / "frames.log"
    start_ui(binary, url, pulse_env, art, log)
    try:
        if wait_for(lambda text: f"{songs} songs" in text, 60, 0.01)[0] is None:
            return None, None
        pid = ui_pid(binary)
        tmux("send-keys", "-t", "0", "3")
        time.sleep(0.5)
        log.write_text("")
        for _ in range(keys):
            tmux("send-keys", "-t", "0", "j")
            time.sleep(0.03)
        time.sleep(1.5)
        latencies = [int(line.split(" ", 1)[0]) / 1000 for line in log.read_text().splitlines() if line and line[0].isdigit()]
        rss = memory_mib(pid) if pid else None
        return latencies, rss
    finally:
        tmux("send-keys", "-t", "0", "q")
        time.sleep(0.3)
        tmux("kill-server")


def rows(work, binary, server_class, tone_mp3, write_bundles, pulse_class, albums=1600):
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    library, songs, covers = make_library(work, tone_mp3, write_bundles, albums)
    cover_kb = statistics.median(path.stat().st_size for path in covers) / 1000
    server = server_class(library)
    server.wait_for_songs(songs, timeout=300)
    pulse = pulse_class(Path(tempfile.mkdtemp(prefix="termplayer-bench-pulse-")))
    table = []
    try:
        blocks = lambda line: "▀" in line
        placeholders = lambda line: "\U0010EEEE" in line
        for label, art, cells, config in [
            ("half-blocks", "blocks", blocks, ""),
            ("kitty placeholders through tmux passthrough", "kitty", placeholders, "set -g allow-passthrough on\n"),
        ]:
            times = cover_latency(binary, server.url, pulse.env, art, cells, songs, config)
            value = (f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms ({len(times)} songs, one per album)"
                     if times else "no cover shown")
            table.append((f"cover on screen after Enter, {label} ({cover_kb:.0f} KB 600×600 JPEGs, loopback)", value, "< 100 ms",
                          "kew, termusic, spotify-player: not installable here (no network)"))
        results = {}
        for art in ("off", "blocks", "kitty"):
            results[art] = scroll_albums(binary, server.url, pulse.env, art, songs)
        for art, label in (("blocks", "half-blocks"), ("kitty", "kitty placeholders")):
            latencies, _ = results[art]
            off, _ = results["off"]
            if latencies and off:
                table.append((f"scrolling {albums // 10} artists at 33 keys/s, a new album cover each key, {label}: key → frame",
                              f"p50 {statistics.median(latencies):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms, max {max(latencies):.1f} ms "
                              f"({len(latencies)} keys; covers off: p99 {percentile(off, 0.99):.2f} ms)", "p99 < 10 ms", "—"))
        off_rss = results["off"][1]
        for art, label in (("blocks", "half-blocks"), ("kitty", "kitty placeholders")):
            rss = results[art][1]
            if rss and off_rss:
                table.append((f"UI RSS after that scroll, {label}", f"{rss[0]:.0f} MiB (covers off: {off_rss[0]:.0f} MiB; +{rss[0] - off_rss[0]:.1f})",
                              "within 10 MiB of off", "—"))
    finally:
        pulse.stop()
        server.stop()
    return table
