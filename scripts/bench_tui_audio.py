"""Enter in the terminal UI → first audio at the sink (issue 12), in `make bench`.

The real `termplayer` runs in tmux against a `termplayer serve` over a small library of tone MP3s, with
PULSE_SERVER pointing at bench_player's private PulseAudio (its 20 ms keep-alive stream, its monitor read
in 10 ms blocks) and its own XDG_CACHE_HOME and XDG_CONFIG_HOME. Each latency runs from just before
`tmux send-keys Enter` to the first loud block of the chosen song's tone on the monitor, so it includes
tmux's delivery of the key (measured separately: send-keys → the key's frame in TERMPLAYER_FRAME_LOG).

Neighbouring rows alternate 440 and 880 Hz, so a later play (Enter on the next row while one plays) is
heard as the change of tone. Streaming runs start each UI with an empty cache (a song that played is
fetched into the cache, so each later play is a song not played before); cached runs start it with a
cache where the songs were kept with `O`. mpg123 and cmus play the same files in the same run."""

import json
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench_player import Cmus, PulseServer, first_audio, percentile, stepped_mp3
from bench_ui import screen, tmux, wait_for

SONGS = 12
FREQUENCIES = (440, 880)
STARTS = 10  # UI starts per kind; each plays the first row, then two later rows


def tone_of(row):
    frequency = FREQUENCIES[row % 2]
    return lambda rms, heard: rms > 0.02 and abs(heard - frequency) < 100


def summary(times):
    if not times:
        return "no audio"
    return f"p50 {statistics.median(times):.0f} ms (p90 {percentile(times, 0.9):.0f})"


class UI:
    """One start of the terminal UI in tmux, with its cache and config in `home`."""

    def __init__(self, binary, url, token, pulse, home):
        self.frame_log = home / "frames.log"
        environment = {
            "LANG": "C.UTF-8", "PULSE_SERVER": pulse.address, "PULSE_SINK": "bench", "TERMPLAYER_TOKEN": token,
            "TERMPLAYER_FRAME_LOG": str(self.frame_log), "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
        }
        assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in environment.items())
        tmux("kill-server")
        tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "30", f"env {assignments} {binary} --server {url}; sleep 30")
        if wait_for(lambda text: f"{SONGS} songs" in text, 20) is None:
            raise RuntimeError(f"the UI did not list {SONGS} songs: {' '.join(screen().split())[:300]}")
        time.sleep(0.5)  # past start-up's own work (the cache written, the feed followed)

    def key(self, *keys):
        tmux("send-keys", "-t", "0", *keys)

    def key_delivery(self, count=20):
        """send-keys → the UI reading the key, in ms: when its frame-log line appeared, less the logged
        read → frame time (the file is polled every 1 ms)."""
        delivery, spawn = [], []
        for index in range(count):
            lines = len(self.frame_log.read_text().splitlines()) if self.frame_log.exists() else 0
            start = time.monotonic()
            self.key("j" if index % 2 == 0 else "k")
            spawn.append((time.monotonic() - start) * 1000)
            while True:
                logged = self.frame_log.read_text().splitlines() if self.frame_log.exists() else []
                if len(logged) > lines:
                    seen = time.monotonic()
                    break
                if time.monotonic() - start > 2:
                    return [], spawn
                time.sleep(0.001)
            delivery.append((seen - start) * 1000 - int(logged[lines].split()[0]) / 1000)
            time.sleep(0.05)
        return delivery, spawn

    def quit(self):
        self.key("q")
        time.sleep(1)  # the song keeper and the cache finish their writes
        tmux("kill-server")


def first_and_later(pulse, starts, begin, play, first, later, before=lambda index: None):
    """`starts` times: begin() a player (it returns the player's end), then play(0), the first play after its
    start, and play(1), play(2) while the one before plays; each timed from the call to its tone."""
    for _ in range(starts):
        end = begin()
        try:
            for index in range(3):
                if index:
                    time.sleep(1.5)  # the previous song plays on
                before(index)
                start = time.monotonic()
                play(index)
                latency = pulse.first_block_after(start, tone_of(index))
                if latency is not None:
                    (later if index else first).append(latency * 1000)
        finally:
            end()


def sessions(binary, url, token, pulse, home_for, first, later):
    """STARTS starts of the UI: Enter on row 0, then on rows 1 and 2 (each a song not played before)."""
    uis = []

    def begin():
        uis.append(UI(binary, url, token, pulse, home_for(len(uis))))
        return uis[-1].quit

    def before(row):
        if row:
            uis[-1].key("j")
            time.sleep(0.2)

    first_and_later(pulse, STARTS, begin, lambda row: uis[-1].key("Enter"), first, later, before)


def keep_songs(binary, url, token, pulse, home, count):
    """`O` on the first `count` rows, each waited for (its row marked ↓), then the UI quits."""
    ui = UI(binary, url, token, pulse, home)
    try:
        marks = screen().count("↓")
        for row in range(count):
            if row:
                ui.key("j")
            ui.key("O")
            if wait_for(lambda text: text.count("↓") > marks + row, 15) is None:
                raise RuntimeError(f"row {row} was not kept: {' '.join(screen().split())[:300]}")
        # A row is marked as O is pressed; its copy arrives after: quit once every copy is on disk.
        deadline = time.monotonic() + 30
        while len(list((home / "cache" / "termplayer").glob("songs-*/*.mp3"))) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{count} songs kept with O, not all on disk after 30 s: {' '.join(screen().split())[:300]}")
            time.sleep(0.1)
        ui.key("g")
    finally:
        ui.quit()


def rows(work, binary, server_class):
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    pulse = PulseServer(Path(tempfile.mkdtemp(prefix="termplayer-bench-tui-pulse-")))
    try:
        return _measure(work, binary, server_class, pulse)
    finally:
        pulse.stop()


def _measure(work, binary, server_class, pulse):
    # 20 s tones: still playing when the next Enter comes.
    tones = [stepped_mp3(work, frequency, frequency, 10, 128) for frequency in FREQUENCIES]
    bucket = work / "library" / "bucket"
    bucket.mkdir(parents=True)
    for index in range(SONGS):
        (bucket / f"tone{index:02d}.json").write_text(json.dumps({"title": f"Tone {index:02d}", "artist": "Bench", "genre": 8}))
        shutil.copyfile(tones[index % 2], bucket / f"tone{index:02d}.mp3")
    service = server_class(work / "library")
    try:
        service.wait_for_songs(SONGS, timeout=30)
        token = (work / "library" / "token").read_text().strip()

        # Streaming: every start with an empty cache.
        streamed_first, streamed_later = [], []
        sessions(binary, service.url, token, pulse, lambda run: work / f"stream-{run}", streamed_first, streamed_later)

        # Cached: the first three rows kept with O once, then every start with that cache.
        kept = work / "kept"
        keep_songs(binary, service.url, token, pulse, kept, 3)
        delivery_ui = UI(binary, service.url, token, pulse, kept)
        try:
            delivery, spawn = delivery_ui.key_delivery()
        finally:
            delivery_ui.quit()
        cached_first, cached_later = [], []
        sessions(binary, service.url, token, pulse, lambda run: kept, cached_first, cached_later)

        # The peers, same run, same sink: mpg123 -R (a running player told LOAD), mpg123 started per play
        # (bench_player's figure), and cmus (a TUI driven by cmus-remote).
        urls = [f"{service.url}/media/tone{index:02d}.mp3" for index in range(2)]
        remote_url = mpg123_remote_runs(pulse, urls)
        remote_file = mpg123_remote_runs(pulse, tones)
        mpg123_url = first_audio(pulse, ["mpg123", "-q", "-o", "pulse", urls[0]])
        mpg123_file = first_audio(pulse, ["mpg123", "-q", "-o", "pulse", str(tones[0])])
    finally:
        service.stop()
    cmus_first, cmus_later = cmus_runs(work, pulse, tones)

    note = (f"includes tmux: send-keys → key read p50 {statistics.median(delivery):.1f} ms, "
            f"{statistics.median(spawn):.1f} ms of it the send-keys process" if delivery else "send-keys delivery not measured")
    return [
        (f"TUI Enter → first audio, first play after start, streamed ({len(streamed_first)} starts; {note})",
         summary(streamed_first), "p50 < 50 ms",
         f"`mpg123 -R` `LOAD URL` after its start: {summary(remote_url[0])}; `mpg123 -o pulse URL` (a process per play): {summary(mpg123_url)}"),
        (f"TUI Enter → first audio, later play (another song while one plays), streamed ({len(streamed_later)} runs)",
         summary(streamed_later), "p50 < 50 ms", f"`mpg123 -R` `LOAD URL` while one plays: {summary(remote_url[1])}"),
        (f"TUI Enter → first audio, song kept with `O`, first play after start ({len(cached_first)} starts)",
         summary(cached_first), "< 50 ms",
         f"`mpg123 -R` `LOAD FILE` after its start: {summary(remote_file[0])}; cmus `cmus-remote -f FILE` after its start: "
         f"{summary(cmus_first)}; `mpg123 -o pulse FILE`: {summary(mpg123_file)}"),
        (f"TUI Enter → first audio, kept song, later play ({len(cached_later)} runs)",
         summary(cached_later), "< 50 ms",
         f"`mpg123 -R` `LOAD FILE` while one plays: {summary(remote_file[1])}; cmus `-f FILE` while playing: {summary(cmus_later)}"),
    ]


def cmus_runs(work, pulse, tones, starts=5):
    """cmus in tmux driven by `cmus-remote -f FILE` (a client round trip, like send-keys)."""
    first, later = [], []
    if not (shutil.which("cmus") and shutil.which("cmus-remote")):
        return first, later
    players = []

    def begin():
        time.sleep(0.5)  # the last run's tmux server to go (a new session beside a dying one fails)
        players.append(Cmus(work / f"cmus-{len(players)}", pulse.env))
        time.sleep(0.5)
        return players[-1].stop

    try:
        first_and_later(pulse, starts, begin, lambda index: players[-1].remote("-f", str(tones[index % 2])), first, later)
    except (RuntimeError, subprocess.CalledProcessError):
        pass  # cmus would not start here: the row says what was measured
    return first, later


def mpg123_remote_runs(pulse, sources, starts=5):
    """`mpg123 -R`, a running player told `LOAD` on its standard input: sources[0] first, then the other."""
    first, later = [], []
    players = []

    def begin():
        players.append(subprocess.Popen(["mpg123", "-q", "-R", "-o", "pulse"], env=pulse.env, stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5)
        return lambda: (players[-1].kill(), players[-1].wait())

    def load(index):
        players[-1].stdin.write(f"LOAD {sources[index % 2]}\n".encode())
        players[-1].stdin.flush()

    first_and_later(pulse, starts, begin, load, first, later)
    return first, later
