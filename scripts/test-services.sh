#!/usr/bin/env bash
# Runs a command with the servers the scaled-out tests and benchmarks talk to, on loopback, and stops
# them afterwards:
#   - a private PostgreSQL cluster (initdb in a temporary folder, as the `postgres` user when run as root)
#   - moto in server mode, the S3 + SQS-compatible server
#   - supysonic (Debian), a real Subsonic server (API 1.10.2, plain `p` auth only) over six generated, tagged MP3s
# The command sees where they are in TERMPLAYER_TEST_POSTGRES_URL and TERMPLAYER_TEST_AWS_ENDPOINT, and, when
# supysonic is installed, in TERMPLAYER_TEST_SUBSONIC_URL, _USER, _PASSWORD and _MUSIC (the songs' folder, whose
# manifest.json lists each file's tags and tone).
#
#   scripts/test-services.sh swift test
#   scripts/test-services.sh bash        # a shell with both running, to poke at them by hand
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 COMMAND [ARGUMENT...]" >&2
  exit 2
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # wait_for WHAT SECONDS COMMAND...
  local what=$1 seconds=$2
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "error: $what did not come up within ${seconds}s" >&2
  return 1
}

as_owner=()
pg_bin=""
state=$(mktemp -d /tmp/termplayer-test-services.XXXXXX)
chmod 755 "$state"
pg_started=""
moto_pid=""
supysonic_pid=""

stop() {
  # waitress dies of the TERM (status 143), which under set -e would become the script's own status.
  if [ -n "$supysonic_pid" ]; then kill "$supysonic_pid" 2>/dev/null && wait "$supysonic_pid" 2>/dev/null || true; fi
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null; fi
  if [ -n "$pg_started" ]; then "${as_owner[@]}" "$pg_bin/pg_ctl" stop -D "$state/pg" -m immediate >/dev/null 2>&1; fi
  rm -rf "$state"
}
trap stop EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root; the Debian package creates the `postgres` user it runs as.
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
  chown postgres: "$state"
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ]; then
  pg_bin=$(dirname "$(command -v postgres || command -v initdb || echo /nonexistent/x)")
fi
[ -x "$pg_bin/initdb" ] || { echo "error: PostgreSQL is not installed (scripts/ensure-deps.sh test installs it)" >&2; exit 1; }

pg_port=$(free_port)
echo "termplayer" >"$state/pwfile"
chmod 644 "$state/pwfile"
"${as_owner[@]}" "$pg_bin/initdb" -D "$state/pg" -U termplayer --pwfile="$state/pwfile" -A scram-sha-256 \
  --no-sync -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
# fsync off: a test cluster that dies with the run has nothing to lose, and commits get much cheaper.
pg_started=yes
"${as_owner[@]}" "$pg_bin/pg_ctl" start -w -t 30 -D "$state/pg" -l "$state/postgres.log" \
  -o "-p $pg_port -k $state -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  >/dev/null || { cat "$state/postgres.log" >&2; exit 1; }

moto_port=$(free_port)
python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >"$state/moto.log" 2>&1 &
moto_pid=$!
wait_for "moto on port $moto_port" 30 python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$moto_port/moto-api/data.json')" \
  || { cat "$state/moto.log" >&2; exit 1; }

export TERMPLAYER_TEST_POSTGRES_URL="postgres://termplayer:termplayer@127.0.0.1:$pg_port/postgres"
export TERMPLAYER_TEST_AWS_ENDPOINT="http://127.0.0.1:$moto_port"
# supysonic over songs made here (the callers' `||` turns set -e off in here, hence each `|| return 1`), each a sine at its own frequency (so a test can tell which one played), tagged by
# lame, and one cover. Its password has `+` and `&`, which a client must percent-encode.
start_supysonic() {
  local dir=$state/subsonic
  local music=$dir/music
  mkdir -p "$dir/cache"
  # file|title|artist|album|genre|track/total|year|frequency
  local songs=(
    "Northern Lights/Aurora/01 Polar Dawn.mp3|Polar Dawn|Northern Lights|Aurora|Rock|1/2|2019|440"
    "Northern Lights/Aurora/02 Magnetic Storm.mp3|Magnetic Storm|Northern Lights|Aurora|Rock|2/2|2019|523"
    "Northern Lights/Solar Wind/01 Coronal Loop.mp3|Coronal Loop|Northern Lights|Solar Wind|Rock|1/2|2021|587"
    "Northern Lights/Solar Wind/02 Heliopause.mp3|Heliopause|Northern Lights|Solar Wind|Rock|2/2|2021|659"
    "Blue Harmonics/Late Set/01 Midnight Swing.mp3|Midnight Swing|Blue Harmonics|Late Set|Jazz|1/2|2020|698"
    "Blue Harmonics/Late Set/02 Brushed Cymbals.mp3|Brushed Cymbals|Blue Harmonics|Late Set|Jazz|2/2|2020|784"
  )
  local entry file title artist album genre track year frequency seconds=3
  for entry in "${songs[@]}"; do
    IFS='|' read -r file title artist album genre track year frequency <<<"$entry"
    mkdir -p "$music/$(dirname "$file")"
    # Through a file, not a pipe: lame takes a piped WAV's length from its header and writes a wrong TLEN.
    sox -n -r 44100 -c 2 -b 16 "$dir/tone.wav" synth "$seconds" sine "$frequency" vol 0.5 || return 1
    lame --quiet -b 128 --id3v2-only --tt "$title" --ta "$artist" --tl "$album" --tg "$genre" --tn "$track" \
      --ty "$year" "$dir/tone.wav" "$music/$file" || return 1
  done
  rm -f "$dir/tone.wav"
  # A flat orange square, drawn by Pillow (which the supysonic package depends on).
  /usr/bin/python3 -c 'import sys; from PIL import Image; Image.new("RGB", (300, 300), (255, 128, 0)).save(sys.argv[1], quality=90)' \
    "$music/Northern Lights/Aurora/cover.jpg" || return 1
  printf '%s\n' "${songs[@]}" | python3 -c '
import json, sys
keys = ["file", "title", "artist", "album", "genre", "track", "year", "frequency"]
songs = []
for line in sys.stdin.read().splitlines():
    song = dict(zip(keys, line.split("|")))
    number, total = song.pop("track").split("/")
    song.update(track=int(number), trackTotal=int(total), year=int(song["year"]), frequency=int(song["frequency"]),
                seconds=int(sys.argv[2]))
    songs.append(song)
json.dump({"songs": songs, "covers": ["Northern Lights/Aurora/cover.jpg"]}, open(sys.argv[1], "w"), indent=1)
' "$music/manifest.json" "$seconds" || return 1
  printf '%s\n' "[base]" "database_uri = sqlite:///$dir/supysonic.db" \
    "[webapp]" "cache_dir = $dir/cache" "mount_webui = no" \
    "[daemon]" "socket = $dir/supysonic.sock" "run_watcher = no" >"$dir/supysonic.conf"
  local user=termplayer password='sub+sonic&pass' port
  # supysonic reads ./supysonic.conf after ~/.supysonic; HOME here keeps the user's own out of it.
  (cd "$dir" && export HOME=$dir &&
    supysonic-cli user add "$user" -p "$password" &&
    supysonic-cli folder add music "$music" &&
    supysonic-cli folder scan --foreground music) >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log" >&2; return 1; }
  port=$(free_port)
  (cd "$dir" && HOME=$dir exec supysonic-server -S waitress -h 127.0.0.1 -p "$port") >"$dir/server.log" 2>&1 &
  supysonic_pid=$!
  export TERMPLAYER_TEST_SUBSONIC_URL="http://127.0.0.1:$port"
  export TERMPLAYER_TEST_SUBSONIC_USER=$user
  export TERMPLAYER_TEST_SUBSONIC_PASSWORD=$password
  export TERMPLAYER_TEST_SUBSONIC_MUSIC=$music
  wait_for "supysonic on port $port" 30 python3 -c '
import json, sys, urllib.parse, urllib.request
query = urllib.parse.urlencode({"u": sys.argv[2], "p": sys.argv[3], "v": "1.10.2", "c": "test-services", "f": "json"})
answer = json.load(urllib.request.urlopen(sys.argv[1] + "/rest/ping.view?" + query))
sys.exit(answer["subsonic-response"]["status"] != "ok")
' "$TERMPLAYER_TEST_SUBSONIC_URL" "$user" "$password" || { cat "$dir/server.log" >&2; return 1; }
}
subsonic_line="Subsonic: not started (supysonic is not installed; scripts/ensure-deps.sh test installs it)"
if command -v supysonic-server >/dev/null && command -v supysonic-cli >/dev/null; then
  start_supysonic || exit 1
  subsonic_line="Subsonic (supysonic) $TERMPLAYER_TEST_SUBSONIC_URL as $TERMPLAYER_TEST_SUBSONIC_USER"
fi

# The UIs the tests start keep their library caches here, not in the user's own cache.
export XDG_CACHE_HOME="$state/cache"
echo "test services: PostgreSQL $TERMPLAYER_TEST_POSTGRES_URL, S3/SQS (moto) $TERMPLAYER_TEST_AWS_ENDPOINT, $subsonic_line"
status=0
"$@" || status=$?
exit "$status"
