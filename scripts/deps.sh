#!/bin/sh
# Installs the Debian packages that building and testing ctix needs.
# Checks each package with dpkg first, so a machine that already has them
# is left alone and the script costs a few milliseconds. As root it runs
# apt-get; otherwise it prints the exact command to run and fails.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libxml2-dev libpoppler-glib-dev libjansson-dev libyaml-dev libpcre2-dev
libpsl-dev publicsuffix libidn2-dev libcmocka-dev python3 nettle-dev
liblinear-dev wamerican python3-jsonschema python3-yaml"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

# report.html's script is bundled with Node.js and npm at build time, and
# its browser tests drive Debian's chromium: a machine that already has a
# node/npm (e.g. another distribution of Node.js) keeps it.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ctix: missing Debian packages:$missing" >&2
  echo "run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi

echo "ctix: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
