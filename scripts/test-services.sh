#!/usr/bin/env bash
# Runs a command with the servers the scaled-out tests and benchmarks talk to, on loopback, and stops
# them afterwards:
#   - a private PostgreSQL cluster (initdb in a temporary folder, as the `postgres` user when run as root)
#   - moto in server mode, the S3 + SQS-compatible server
# The command sees where they are in TERMPLAYER_TEST_POSTGRES_URL and TERMPLAYER_TEST_AWS_ENDPOINT.
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

stop() {
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
# The UIs the tests start keep their library caches here, not in the user's own cache.
export XDG_CACHE_HOME="$state/cache"
echo "test services: PostgreSQL $TERMPLAYER_TEST_POSTGRES_URL, S3/SQS (moto) $TERMPLAYER_TEST_AWS_ENDPOINT"
status=0
"$@" || status=$?
exit "$status"
