#!/usr/bin/env bash
# Creates the project's Python virtual environment, .cache/venv, with tools/python/requirements.txt
# (what the e2e tests call, e.g. prometheus_client's parser for /metrics). Idempotent: nothing is
# done while the venv already holds exactly these requirements; pip's own cache keeps reinstalls
# offline. Installs python3 and its venv module from Debian when the machine lacks them.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.cache/venv
requirements=tools/python/requirements.txt
stamp="$venv/.requirements.txt"

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
  exit 0
fi

if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "tools/python/setup.sh: installing python3 and python3-venv" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "tools/python/setup.sh: $venv ready ($(grep -v '^#' "$requirements" | tr '\n' ' '))"
