"""The playback benchmarks of `make bench`: TermPlayer beside mpg123 and cmus on the same files, in the
same run, all heard through one private PulseAudio server whose null sink's monitor is read live.

Time to first audio and time to audio after a seek are measured from the moment the command is given
to the first 10 ms block of sound (or of the new tone) on the monitor; both players pay the same
monitor latency. CPU is utime+stime from /proc over a stretch of playback; memory is the peak RSS."""

import bisect
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from proc_stats import cpu_seconds, memory_mib

RATE = 44100
BLOCK = 441  # 10 ms


class PulseServer:
    """A pulseaudio daemon with a null sink, a silent keep-alive stream (so the monitor runs on the wall
    clock), and a reader that timestamps every 10 ms block of the monitor as it arrives."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        self.address = f"unix:{self.folder}/pulse/native"
        environment = dict(os.environ, XDG_RUNTIME_DIR=str(self.folder), HOME=str(self.folder))
        environment.pop("PULSE_SERVER", None)
        subprocess.run(["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=yes",
                        f"--log-target=file:{self.folder}/pulse.log",
                        "--load=module-null-sink sink_name=bench rate=44100 channels=2",
                        "--load=module-native-protocol-unix"],
                       env=environment, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if subprocess.run(["pactl", "--server", self.address, "info"], capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        self.env = dict(os.environ, PULSE_SERVER=self.address, PULSE_SINK="bench")
        # 20 ms: a sink runs at the lowest latency its streams ask for, and one that renders far ahead puts
        # sound on the monitor before it would reach a speaker (and rewinds when a stream starts).
        self.keepalive = subprocess.Popen(
            ["pacat", "--server", self.address, "--device", "bench", "--raw", "--volume=0", "--latency-msec=20", "/dev/zero"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_sink_keeps_time()
        self.blocks = []  # (arrival time, rms, frequency)
        self.lock = threading.Lock()
        self.reader = subprocess.Popen(
            ["parec", "--server", self.address, "--device", "bench.monitor", "--raw", "--format=s16le",
             "--rate=44100", "--channels=2", "--latency-msec=5"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.5)

    def _wait_until_sink_keeps_time(self):
        """A new null sink renders up to 2 s ahead until a stream asks for less; wait for that lead to go."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            sinks = subprocess.run(["pactl", "--server", self.address, "list", "sinks"], capture_output=True, text=True).stdout
            match = re.search(r"Latency: (\d+) usec", sinks)
            if match and int(match.group(1)) < 50_000:
                return
            time.sleep(0.1)
        sys.exit(f"bench: the null sink still renders ahead of the clock after 10 s: {self.folder}/pulse.log")

    def _read(self):
        import array
        size = BLOCK * 4
        while True:
            data = self.reader.stdout.read(size)
            if not data or len(data) < size:
                return
            now = time.monotonic()
            samples = array.array("h", data)[0::2]
            energy = sum(s * s for s in samples) / len(samples)
            rms = (energy ** 0.5) / 32768
            crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
            with self.lock:
                self.blocks.append((now, rms, crossings / 2 / (BLOCK / RATE)))

    def first_block_after(self, start, predicate, timeout=10):
        """Seconds from `start` to the first monitor block matching `predicate`, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                # The blocks are in arrival order: skip those before `start` (a long run holds thousands).
                for arrived, rms, frequency in self.blocks[bisect.bisect_left(self.blocks, (start,)):]:
                    if predicate(rms, frequency):
                        return arrived - start
            time.sleep(0.002)
        return None

    def stop(self):
        for process in (self.reader, self.keepalive):
            process.kill()
        pid = (self.folder / "pulse" / "pid").read_text().strip() if (self.folder / "pulse" / "pid").exists() else None
        if pid:
            os.kill(int(pid), signal.SIGKILL)


def stepped_mp3(folder, first, second, each_seconds, bitrate):
    """An MP3 that changes tone halfway, so where playback is can be heard."""
    parts = []
    for index, frequency in enumerate((first, second)):
        part = folder / f"part{index}.wav"
        subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", str(part), "synth", str(each_seconds),
                        "sine", str(frequency), "vol", "0.5"], check=True)
        parts.append(str(part))
    joined = folder / "joined.wav"
    subprocess.run(["sox", *parts, str(joined)], check=True)
    mp3 = folder / f"stepped-{first}-{second}-{bitrate}k.mp3"
    subprocess.run(["lame", "--quiet", "-b", str(bitrate), "--cbr", str(joined), str(mp3)], check=True)
    for part in parts + [str(joined)]:
        os.unlink(part)
    return mp3


def loud(rms, frequency):
    return rms > 0.02


def first_audio(pulse, command, runs=20):
    """Milliseconds from starting `command` to its first loud block, one fresh process per run."""
    times = []
    for _ in range(runs):
        time.sleep(0.3)
        start = time.monotonic()
        process = subprocess.Popen(command, env=pulse.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        latency = pulse.first_block_after(start, loud)
        process.kill()
        process.wait()
        if latency is not None:
            times.append(latency * 1000)
    return times


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Cmus:
    """cmus running in a detached tmux session (it needs a terminal), driven by cmus-remote."""

    def __init__(self, folder, env):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket = self.folder / "cmus.socket"
        self.env = dict(env, HOME=str(self.folder), XDG_CONFIG_HOME=str(self.folder / "config"), TERM="xterm")
        # Without D-Bus, cmus stops at start to report that MPRIS is unavailable, waiting for Enter.
        rc = self.folder / "config" / "cmus" / "rc"
        rc.parent.mkdir(parents=True, exist_ok=True)
        rc.write_text("set mpris=false\nset output_plugin=pulse\n")
        subprocess.run(["tmux", "-L", "bench-cmus", "new-session", "-d", "-x", "120", "-y", "40",
                        f"cmus --listen {self.socket}"], env=self.env, check=True)
        deadline = time.monotonic() + 20
        while self.remote("-Q").returncode != 0:
            if time.monotonic() > deadline:
                screen = subprocess.run(["tmux", "-L", "bench-cmus", "capture-pane", "-p"], capture_output=True, text=True).stdout
                self.stop()
                raise RuntimeError(f"cmus did not answer on {self.socket} within 20 s: {' '.join(screen.split())[:200] or 'its window is gone'}")
            time.sleep(0.05)
        self.remote("-C", "set output_plugin=pulse")
        self.pid = int(subprocess.run(["pgrep", "-n", "-x", "cmus"], capture_output=True, text=True).stdout.split()[0])

    def remote(self, *arguments):
        try:
            return subprocess.run(["cmus-remote", "--server", str(self.socket), *arguments], env=self.env,
                                  capture_output=True, text=True, timeout=5)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(arguments, 124, "", "cmus-remote timed out")

    def stop(self):
        self.remote("-C", "quit")
        subprocess.run(["tmux", "-L", "bench-cmus", "kill-server"], capture_output=True)


def run(work, binary, server_class, tone_mp3):
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    pulse = PulseServer(Path(tempfile.mkdtemp(prefix="termplayer-bench-pulse-")))
    try:
        rows += _measure(work, binary, server_class, pulse)
    finally:
        pulse.stop()
    return rows


def _measure(work, binary, server_class, pulse):
    rows = []
    env = pulse.env

    # The library: a 2 s tone for starts, and a 5-minute 320 kbps track that changes tone at 150 s.
    library = work / "library"
    bucket = library / "bucket"
    bucket.mkdir(parents=True)
    short = stepped_mp3(work, 440, 440, 1, 128)
    long = stepped_mp3(work, 440, 880, 150, 320)
    for name, mp3 in (("short", short), ("long", long)):
        (bucket / f"{name}.json").write_text('{"title":"%s","genre":8}' % name)
        shutil.copyfile(mp3, bucket / f"{name}.mp3")
    service = server_class(library)
    service.wait_for_songs(2, timeout=30)
    short_url = f"{service.url}/media/short.mp3"
    long_url = f"{service.url}/media/long.mp3"

    # 1. Time to first audio, 20 runs each, the service on loopback.
    ours = first_audio(pulse, [str(binary), "play", "--server", service.url, "short"])
    ours_url = first_audio(pulse, [str(binary), "play", short_url])
    theirs = first_audio(pulse, ["mpg123", "-q", "-o", "pulse", short_url])
    rows.append(("time to first audio, `play SONG-ID` via the API on loopback (20 runs)",
                 f"p50 {statistics.median(ours):.0f} ms, p90 {percentile(ours, 0.9):.0f} ms",
                 "p50 < 100 ms", f"mpg123 -o pulse URL: p50 {statistics.median(theirs):.0f} ms, p90 {percentile(theirs, 0.9):.0f} ms"))
    rows.append(("time to first audio, `play URL` (20 runs)", f"p50 {statistics.median(ours_url):.0f} ms", "—",
                 "cmus: 30 ms local HTTP (DESIGN.md anchor)"))

    # 2. Seek inside the 5-minute 320 kbps stream: from the command to the second tone.
    seeks = []
    for _ in range(10):
        process = subprocess.Popen([str(binary), "play", "--commands", long_url], env=env, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if pulse.first_block_after(time.monotonic(), loud) is not None:
            time.sleep(1)
            start = time.monotonic()
            process.stdin.write(b"seek 200\n")
            process.stdin.flush()
            latency = pulse.first_block_after(start, lambda rms, frequency: rms > 0.02 and abs(frequency - 880) < 60)
            if latency is not None:
                seeks.append(latency * 1000)
        process.kill()
        process.wait()
    mpg123_seeks = []
    for _ in range(5):
        process = subprocess.Popen(["mpg123", "-q", "-R"], env=env, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        process.stdin.write(f"LOAD {long_url}\n".encode())
        process.stdin.flush()
        if pulse.first_block_after(time.monotonic(), loud) is not None:
            time.sleep(1)
            start = time.monotonic()
            process.stdin.write(b"JUMP 200s\n")
            process.stdin.flush()
            latency = pulse.first_block_after(start, lambda rms, frequency: rms > 0.02 and abs(frequency - 880) < 60, timeout=8)
            mpg123_seeks.append(latency * 1000 if latency is not None else float("inf"))
        process.kill()
        process.wait()
    mpg123_text = (f"mpg123 -R, JUMP over HTTP: p50 {statistics.median(mpg123_seeks):.0f} ms"
                   if mpg123_seeks and all(value != float("inf") for value in mpg123_seeks) else "mpg123 -R: no audio at the new place within 8 s")
    rows.append(("seek to 200 s in a 5-min 320 kbps stream, to audio (10 runs)",
                 f"p50 {statistics.median(seeks):.0f} ms, max {max(seeks):.0f} ms" if seeks else "no audio after the seek",
                 "< 150 ms", mpg123_text + "; cmus cannot seek in HTTP streams (DESIGN.md)"))

    # 3. CPU and memory while playing the 320 kbps track from its file, and while paused.
    def cpu_share(pid, seconds):
        before = cpu_seconds(pid)
        time.sleep(seconds)
        return (cpu_seconds(pid) - before) / seconds * 100

    process = subprocess.Popen([str(binary), "play", "--commands", str(long)], env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    ours_cpu = cpu_share(process.pid, 30)
    process.stdin.write(b"pause\n")
    process.stdin.flush()
    time.sleep(1)
    ours_paused = cpu_share(process.pid, 10)
    ours_rss = memory_mib(process.pid)[1]
    process.kill()
    process.wait()

    process = subprocess.Popen(["mpg123", "-q", "-o", "pulse", str(long)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    mpg123_cpu = cpu_share(process.pid, 30)
    mpg123_rss = memory_mib(process.pid)[1]
    process.kill()
    process.wait()

    cmus_text = "cmus not installed"
    try:
        cmus = Cmus(work / "cmus", env) if shutil.which("cmus") and shutil.which("tmux") else None
    except RuntimeError as error:
        cmus, cmus_text = None, str(error)
    if cmus:
        try:
            cmus.remote("-f", str(long))
            time.sleep(3)
            cmus_cpu = cpu_share(cmus.pid, 30)
            cmus.remote("-u")
            time.sleep(1)
            cmus_paused = cpu_share(cmus.pid, 10)
            cmus_text = f"cmus: {cmus_cpu:.2f} % playing, {cmus_paused:.2f} % paused, {memory_mib(cmus.pid)[1]:.0f} MiB"
        finally:
            cmus.stop()
    rows.append(("CPU playing a 320 kbps MP3 (30 s), % of one core", f"{ours_cpu:.2f} % ({ours_cpu / mpg123_cpu:.2f}× mpg123)" if mpg123_cpu else f"{ours_cpu:.2f} %",
                 "≤ 1.2× mpg123 -o pulse", f"mpg123 -o pulse: {mpg123_cpu:.2f} %; {cmus_text}"))
    rows.append(("CPU paused (10 s)", f"{ours_paused:.2f} %", "0 %", "—"))
    rows.append(("peak RSS of `termplayer play`", f"{ours_rss:.1f} MiB", "< 30 MiB", f"mpg123: {mpg123_rss:.1f} MiB"))
    service.stop()
    return rows
