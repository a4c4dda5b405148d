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
# package does not depend on; it brings python3-pil, which draws the test songs' cover).
test_packages=(sox libsox-fmt-mp3 lame pulseaudio pulseaudio-utils tmux python3-pip postgresql libsixel-bin
  chromium chromium-driver supysonic python3-waitress)
# mariadb-server: the original project's stack, rebuilt as a peer of the API (bench_original_peer.py).
bench_packages=(mpg123 cmus tmux wrk procps mariadb-server)
# import name=pip requirement; the S3/SQS server, the AWS SDK the tests set it up with, the template linter,
# selenium, which drives the browser test's chromium (through Debian's chromedriver, never downloading one), and
# py-sonic and py-opensonic, real Subsonic clients for the /rest tests, and jsonschema, which checks /rest's answers
# against the vendored OpenSubsonic schemas.
test_python=(openapi_spec_validator=openapi-spec-validator moto.server="moto[server]" boto3=boto3 cfnlint=cfn-lint
  selenium=selenium libsonic=py-sonic libopensonic=py-opensonic jsonschema=jsonschema)
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
