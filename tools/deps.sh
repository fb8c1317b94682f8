#!/usr/bin/env bash
# Installs the Debian 12 packages outcry needs to build, run and test --
# only the ones missing. Root runs apt-get directly; anyone else goes through sudo.
# The list and the reason for each package are in README.md ("Dependencies").
set -euo pipefail

PKGS=(
  # build
  gcc make pkg-config
  librdkafka-dev libjansson-dev libhiredis-dev libmicrohttpd-dev
  libssl-dev libpcre2-dev libyaml-dev libcsv-dev libutf8proc-dev libcjson-dev
  libcmocka-dev
  # run
  redis-server kcat
  # tests
  python3 python3-pytest python3-pytest-xdist python3-confluent-kafka python3-redis
  python3-pyflakes
  docker-compose valgrind
  # make fuzz / fuzz-check: libFuzzer and its sanitizer runtimes come with clang
  clang libclang-rt-14-dev
  # make bench: the Python peer and the plot
  python3-sklearn gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "deps: missing ${missing[*]}; run this as root or install sudo" >&2
    exit 1
  fi
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "deps: apt-get update failed; check the apt sources and the network" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "deps: apt-get install ${missing[*]} failed; run it by hand to see why" >&2; exit 1; }
echo "deps: installed ${#missing[@]} package(s)"
