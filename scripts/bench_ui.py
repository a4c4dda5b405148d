"""The terminal UI's benchmarks of `make bench`: the real `termplayer` in a tmux window against a service
holding the whole benchmark library.

Start-up is timed from launching the command to the first frame on the tmux screen, and to the frame that
lists the whole library (polled every 5 ms). Key-to-frame latency is measured inside the UI
(TERMPLAYER_FRAME_LOG: from reading a key to the frame written to the terminal) over a scripted session of
navigation, view changes and search. Memory is the UI process's RSS; idle CPU is utime+stime over 30 s."""

import os
import sys
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from proc_stats import cpu_seconds, memory_mib

SOCKET = "termplayer-bench-ui"


def tmux(*arguments, capture=False, socket=SOCKET):
    return subprocess.run(["tmux", "-L", socket, *arguments], capture_output=capture, text=True, check=False).stdout


def screen(socket=SOCKET):
    return tmux("capture-pane", "-p", "-t", "0", capture=True, socket=socket) or ""


def wait_for(predicate, timeout, socket=SOCKET):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = screen(socket)
        if predicate(text):
            return time.monotonic()
        time.sleep(0.005)
    return None


def run(binary, service_url, songs):
    rows = []
    frame_log = Path(tempfile.mkdtemp(prefix="termplayer-bench-ui-")) / "frames.log"
    environment = f"LANG=C.UTF-8 TERMPLAYER_FRAME_LOG={frame_log} XDG_CONFIG_HOME={frame_log.parent}"
    tmux("kill-server")
    started = time.monotonic()
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48",
         f"env {environment} {binary} --server {service_url}; sleep 30")
    first_frame = wait_for(lambda text: "1 Songs" in text, 10)
    listed = wait_for(lambda text: f"{songs} songs" in text, 60)
    pid = int(subprocess.run(["pgrep", "-n", "-f", f"{binary} --server"], capture_output=True, text=True).stdout.split()[0])
    try:
        rows.append((f"UI start-up with {songs:,} songs: first frame (keys accepted)",
                     f"{(first_frame - started) * 1000:.0f} ms" if first_frame else "no frame in 10 s",
                     "< 500 ms", "cmus: 0.3 s to accept keys (DESIGN.md anchor)"))
        rows.append((f"UI start-up with {songs:,} songs: whole library listed",
                     f"{(listed - started) * 1000:.0f} ms" if listed else "not listed in 60 s", "—", "—"))

        # A session: moving, paging, jumping, every view, a search typed and cleared.
        keys = (["j"] * 40 + ["PageDown"] * 20 + ["G", "g", "C-d", "C-u"] + ["k"] * 20 + ["2", "j", "j", "l", "j", "h"]
                + ["3", "j", "l", "l", "j", "h", "h", "4", "5", "/"] + list("title 0042") + ["BSpace"] * 4 + ["Escape", "1", "o", "o", "o", "o"])
        for key in keys:
            tmux("send-keys", "-t", "0", key)
            time.sleep(0.02)
        time.sleep(0.5)
        entries = [line.split(" ", 1) for line in frame_log.read_text().splitlines() if line]
        timed = sorted((int(micros) / 1000, key) for micros, key in entries)
        if os.environ.get("BENCH_UI_DETAIL"):
            for milliseconds, key in timed[-8:]:
                print(f"  slow key: {milliseconds:.2f} ms {key}", file=sys.stderr)
        latencies = [milliseconds for milliseconds, _ in timed]
        if latencies:
            p50 = statistics.median(latencies)
            p99 = latencies[min(len(latencies) - 1, int(0.99 * (len(latencies) - 1)))]
            slowest = timed[-1][1]
            rows.append((f"keypress → frame drawn, {songs:,} songs ({len(latencies)} keys: moves, pages, views, search, sort)",
                         f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.1f} ms (`{slowest}`)", "< 10 ms", "—"))
        rss, peak = memory_mib(pid)
        rows.append((f"UI RSS with {songs:,} songs", f"{rss:.0f} MiB (peak {peak:.0f} MiB)", "< 80 MB",
                     "cmus: 138 MB at 100,000 tracks (DESIGN.md anchor)"))
        # /proc counts CPU in 10 ms ticks: 30 s resolves 0.03 %.
        before = cpu_seconds(pid)
        time.sleep(30)
        after = cpu_seconds(pid)
        rows.append(("UI CPU idle (30 s, nothing playing; a health check every 5 s)", f"{(after - before) / 30 * 100:.2f} %", "0 %", "cmus: 0 %"))
    finally:
        tmux("send-keys", "-t", "0", "q")
        time.sleep(0.3)
        tmux("kill-server")
    return rows
