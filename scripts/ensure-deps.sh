#!/usr/bin/env bash
# Installs whatever is missing of what TermPlayer needs, and nothing else.
#   scripts/ensure-deps.sh build   C libraries the package links against
#   scripts/ensure-deps.sh test    build + the tools the tests drive (sox, lame, PulseAudio, tmux, chromium, …)
#   scripts/ensure-deps.sh bench   test + the peers the benchmarks compare against (mpg123, wrk, …)
set -euo pipefail

build_packages=(pkg-config libncursesw5-dev libmpg123-dev libpulse-dev libcurl4-openssl-dev libsqlite3-dev
  libturbojpeg0-dev libpng-dev libchafa-dev libglib2.0-dev)
# chromium and its driver: the browser test opens a static page on another origin against the API.
# supysonic, a real Subsonic server the client's tests talk to (test-services.sh starts it under waitress, which the
# package does not depend on; it brings python3-pil, which draws the test songs' cover). python3-lxml: Debian's
# /usr/bin/python3 validates /rest's XML answers against Subsonic's XSD with it (subsonic-xsd-check.py). openssl and
# curl: the TLS test makes a certificate and fetches over HTTPS with it.
test_packages=(sox libsox-fmt-mp3 lame pulseaudio pulseaudio-utils tmux python3-pip postgresql libsixel-bin
  chromium chromium-driver supysonic python3-waitress python3-lxml openssl curl)
# mariadb-server: the original project's stack, rebuilt as a peer of the API (bench_original_peer.py).
bench_packages=(mpg123 cmus tmux wrk procps mariadb-server)
# import name=pip requirement; the S3/SQS server, the AWS SDK the tests set it up with, the template linter,
# selenium, which drives the browser test's chromium (through Debian's chromedriver, never downloading one), and
# py-sonic and py-opensonic, real Subsonic clients for the /rest tests, and jsonschema, which checks /rest's answers
# against the vendored OpenSubsonic schemas; schemathesis, which attacks the live API from its /openapi.json.
test_python=(openapi_spec_validator=openapi-spec-validator moto.server="moto[server]" boto3=boto3 cfnlint=cfn-lint
  selenium=selenium libsonic=py-sonic libopensonic=py-opensonic jsonschema=jsonschema schemathesis=schemathesis==4.32.5)
# The listeners' benchmark draws its plays with numpy, the covers' benchmark its covers with Pillow; the
# recommender's benchmark compares against implicit's ALS; the original's API runs on FastAPI and MySQL Connector.
bench_python=(numpy=numpy PIL=pillow implicit=implicit fastapi=fastapi uvicorn=uvicorn mysql.connector=mysql-connector-python)

want=("${build_packages[@]}")
python=()
case "${1:-build}" in
  build) ;;
  test) want+=("${test_packages[@]}"); python+=("${test_python[@]}") ;;
  bench) want+=("${test_packages[@]}" "${bench_packages[@]}"); python+=("${test_python[@]}" "${bench_python[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

if ! command -v swift >/dev/null; then
  echo "error: swift is not on PATH. TermPlayer needs Swift 6.1 or later: https://www.swift.org/install/linux/" >&2
  exit 1
fi

missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing missing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for entry in "${python[@]}"; do
  import_name=${entry%%=*}
  requirement=${entry#*=}
  if ! python3 -c "import ${import_name}" 2>/dev/null; then
    echo "Installing missing Python package: $requirement"
    python3 -m pip install --quiet "$requirement" || python3 -m pip install --quiet --break-system-packages "$requirement"
  fi
done

# Subsonic's 1.16.1 XSD, which SubsonicXSDTests validates /rest's XML answers against: not in git (its licence is
# unclear), so fetched once from the sublime-music wheel on PyPI, which ships it, into a cache a second run reuses.
# The test looks for it at the same path.
if [ "${1:-build}" != build ]; then
  # Not under XDG_CACHE_HOME: scripts/test-services.sh points that at a fresh folder for the tests it runs.
  xsd_cache=$HOME/.cache/termplayer-test
  xsd=$xsd_cache/subsonic-rest-api-1.16.1.xsd
  xsd_sha256=fb2665c10bfe68dedadddcf506b2396192aaa6b91b2f70b02855b54af9d5f4e7
  if ! echo "$xsd_sha256  $xsd" | sha256sum --check --status 2>/dev/null; then
    echo "Fetching Subsonic's 1.16.1 XSD (from the sublime-music 0.12.0 wheel) into $xsd_cache"
    mkdir -p "$xsd_cache"
    wheel_dir=$(mktemp -d)
    trap 'rm -rf "$wheel_dir"' EXIT
    python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheel_dir" sublime-music==0.12.0
    python3 - "$wheel_dir"/sublime_music-0.12.0-py3-none-any.whl "$xsd.part" <<'PYTHON'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    data = wheel.read("sublime_music/adapters/subsonic/api_specs/subsonic-rest-api-1.16.1.xsd")
open(sys.argv[2], "wb").write(data)
PYTHON
    echo "$xsd_sha256  $xsd.part" | sha256sum --check --status || { echo "error: $xsd.part is not the XSD expected (sha256 $xsd_sha256)" >&2; exit 1; }
    mv "$xsd.part" "$xsd"
  fi
fi
