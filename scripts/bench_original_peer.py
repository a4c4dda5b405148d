#!/usr/bin/env python3
"""TermPlayer's API beside the original project's own stack, rebuilt as a peer (issue 12, "the API under
many listeners"): FastAPI + MySQL Connector over a private MariaDB server with the original schema
(scripts/peers/original_api.py), and `termplayer serve` over the same 100,000 songs, both asked the
original web page's question — `GET /songs?genre=Rock&limit=100` — by wrk at 16 connections and at 1,
in the same run.

    python3 scripts/bench_original_peer.py                  # 100,000 songs
    python3 scripts/bench_original_peer.py --songs 10000    # quick

Needs mariadb-server (mariadbd, mariadb-install-db), wrk, and fastapi, uvicorn, mysql-connector-python from
PyPI (`scripts/ensure-deps.sh bench` installs them). The binary is TERMPLAYER_BIN or
.build/release/termplayer. bench.py runs this (`--only peer`, and in the full run).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from bench_table import print_table

REPO = Path(__file__).resolve().parent.parent
GENRES = ["Rock", "Indie", "Pop", "Hiphop", "Jazz", "Country", "Classical", "Other"]
QUERY = "/songs?genre=Rock&limit=100"


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"bench: {url} did not answer")


class MariaDB:
    """A private server: its own data directory and socket, no TCP."""

    def __init__(self, folder):
        self.folder = folder
        self.socket = folder / "mysqld.sock"
        data = folder / "data"
        subprocess.run(["mariadb-install-db", f"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db",
                        "--user=root"], check=True, capture_output=True)
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={self.socket}", "--skip-networking", "--user=root",
             "--innodb-buffer-pool-size=256M", f"--pid-file={folder / 'mysqld.pid'}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self.socket.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit("bench: mariadbd did not start")
            time.sleep(0.2)

    def sql(self, text):
        subprocess.run(["mariadb", f"--socket={self.socket}", "-uroot"], input=text, text=True, check=True, capture_output=True)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def load_original(db, songs):
    """The original schema, and the songs bench.py's bundles describe, with their URLs into a bucket."""
    db.sql("CREATE DATABASE music; USE music;"
           "CREATE TABLE genres (genreid INT PRIMARY KEY, genre VARCHAR(64));"
           "CREATE TABLE songs (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(255), album VARCHAR(255), artist VARCHAR(255),"
           " genre INT, year INT, file VARCHAR(512), image VARCHAR(512));")
    rows = []
    for index in range(songs):
        name = f"song{index:06d}"
        rows.append(f"('Title {index * 7919 % songs:06d}','Album {index // 12:05d}','Artist {index // 120:04d}',{index % 8 + 1},"
                    f"{1960 + index % 60},'https://bucket.s3.amazonaws.com/{name}.mp3','https://bucket.s3.amazonaws.com/{name}.jpg')")
    statements = ["USE music;", "INSERT INTO genres VALUES " + ",".join(f"({i + 1},'{g}')" for i, g in enumerate(GENRES)) + ";"]
    for start in range(0, len(rows), 5000):
        statements.append("INSERT INTO songs (title, album, artist, genre, year, file, image) VALUES " + ",".join(rows[start:start + 5000]) + ";")
    db.sql("\n".join(statements))


def wrk(url, connections, seconds):
    """(requests per second, p99 ms) from wrk's latency distribution."""
    threads = min(connections, 2)
    output = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                            check=True, capture_output=True, text=True).stdout
    rate = float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec")))
    p99 = next(line.split()[1] for line in output.splitlines() if line.strip().startswith("99%"))
    value, unit = float(p99.rstrip("musµ")), p99.lstrip("0123456789.")
    p99_ms = value * {"us": 0.001, "ms": 1, "s": 1000}.get(unit, 1)
    errors = [line for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    return rate, p99_ms, errors


def rows(work, Server, tone_mp3, write_bundles, songs=100_000, seconds=10):
    for tool in ("mariadbd", "mariadb-install-db", "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (`make bench` installs it)")
    work.mkdir(parents=True, exist_ok=True)
    library = work / "library"
    write_bundles(library / "bucket", songs, tone_mp3(work, 5))
    server = Server(library, "--token", "bench-peer-token")
    server.wait_for_songs(songs, timeout=max(900, songs / 20))
    import bench_listeners
    bench_listeners.wait_until_idle(server.process.pid, quiet=2.0)

    db = MariaDB(work / "mariadb")
    try:
        load_original(db, songs)
        environment = dict(os.environ, MYSQL_SOCKET=str(db.socket), MYSQL_DATABASE="music")
        peer = subprocess.Popen([sys.executable, "-m", "uvicorn", "original_api:app", "--port", "18731", "--log-level", "warning"],
                                cwd=REPO / "scripts" / "peers", env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for("http://127.0.0.1:18731" + QUERY)
            figures = {}
            for connections in (16, 1):
                figures[("TermPlayer", connections)] = wrk(server.url + QUERY, connections, seconds)
                figures[("original", connections)] = wrk("http://127.0.0.1:18731" + QUERY, connections, seconds)
        finally:
            peer.terminate()
            peer.wait(timeout=30)
    finally:
        db.stop()
        server.stop()

    out = []
    for connections in (16, 1):
        ours, theirs = figures[("TermPlayer", connections)], figures[("original", connections)]
        ratio = ours[0] / theirs[0] if theirs[0] else float("inf")
        target = "≥ 300× the original, p99 < 10 ms" if connections == 16 else "—"
        missed = " — **under target**" if connections == 16 and (ratio < 300 or ours[1] >= 10) else ""
        errors = "; ".join(ours[2] + theirs[2])
        out.append((f"GET {QUERY}, {songs:,} songs, {connections} connection{'s' if connections > 1 else ''} (wrk, {seconds} s)",
                    f"{ours[0]:,.0f} req/s, p99 {ours[1]:.2f} ms ({ratio:,.0f}× the original){missed}", target,
                    f"the original's stack (FastAPI + MySQL Connector + MariaDB 10.11): {theirs[0]:,.1f} req/s, p99 {theirs[1]:.1f} ms"
                    + (f"; {errors}" if errors else "")))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--bin", default=os.environ.get("TERMPLAYER_BIN", str(REPO / ".build" / "release" / "termplayer")))
    arguments = parser.parse_args()
    os.environ["TERMPLAYER_BIN"] = arguments.bin
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-peer-"))
    try:
        table = rows(work, bench.Server, bench.tone_mp3, bench.write_bundles, arguments.songs, arguments.seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(table)


if __name__ == "__main__":
    main()
