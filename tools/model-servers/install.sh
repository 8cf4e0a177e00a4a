#!/usr/bin/env bash
# Installs the real model servers that e2e/src/real-servers.e2e.ts runs, each in a venv of its own
# (.cache/model-servers/<server>/venv links it), since their pins conflict: pip finds no set for MLServer
# 1.7.1 and KServe 0.21.0 together (MLServer wants fastapi below 0.116, whose starlette is below 0.47;
# KServe wants starlette 1.3.1 or later), and Seldon Core 1.18.2 wants numpy below 2 and Python 3.10,
# from the pinned lock files tools/model-servers/<server>.txt, then trains the iris model into
# .cache/model-servers/<server>/model in the layout that server loads (train_fixture.py).
#
# Idempotent: a venv is built only for a lock file not built before (kept in
# ~/.cache/seldon-eventing/model-server-venvs), a model only when what makes it
# changed. pip's own cache does not help here (the registry's answers are not cached: ~/.cache/pip
# stays empty), so the wheels of each lock file are kept outside the clone, in
# $MODEL_SERVER_WHEELS (default ~/.cache/seldon-eventing/model-server-wheels/<server>), which makes
# a reinstall (a fresh clone in CI) offline and skips rebuilding the sdists Seldon pins. The three
# are installed side by side. Set MODEL_SERVERS to a subset (e.g. MODEL_SERVERS=mlserver) to
# install fewer.
set -euo pipefail
cd "$(dirname "$0")/../.."

here=tools/model-servers
cache=.cache/model-servers

# server → the Python minor version its venv is made with
declare -A PYTHON=([mlserver]=3.11 [seldon]=3.10 [kserve]=3.11)

# The first interpreter of that exact version that can make a venv: on PATH (a pyenv shim answers
# for a version that is not selected only by failing, hence the check), pyenv's own versions,
# Debian's and /usr/local's.
find_python() {
  local version=$1 candidate
  local candidates=("$(command -v "python$version" || true)")
  if command -v pyenv >/dev/null; then candidates+=("$(pyenv root)/versions/$version"*/bin/"python$version"); fi
  candidates+=("${PYENV_ROOT:-$HOME/.pyenv}/versions/$version"*/bin/"python$version" "/usr/bin/python$version" "/usr/local/bin/python$version")
  for candidate in "${candidates[@]}"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] &&
      "$candidate" -c "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_server() {
  local server=$1 python venv lock model stamp fixture_stamp
  venv="$cache/$server/venv"
  lock="$here/$server.txt"
  model="$cache/$server/model"
  if ! python=$(find_python "${PYTHON[$server]}"); then
    echo "tools/model-servers/install.sh: $server needs Python ${PYTHON[$server]} with its venv module, and none was found" \
      "(looked for python${PYTHON[$server]} on PATH, in pyenv's versions, /usr/bin and /usr/local/bin)." \
      "Install it, e.g. 'pyenv install ${PYTHON[$server]}', and run this again." >&2
    return 1
  fi
  # The venv itself lives outside the clone, one per lock file, so a fresh clone on the same
  # machine links the one already built (seconds) instead of reinstalling 1.5 GB of wheels.
  local user_cache="${XDG_CACHE_HOME:-$HOME/.cache}/seldon-eventing"
  local built="$user_cache/model-server-venvs/$server-$(sha256sum "$lock" | cut -c1-16)"
  stamp="$built/.lock.txt"
  if ! { [ -x "$built/bin/python" ] && cmp -s "$lock" "$stamp"; }; then
    rm -rf "$built"
    mkdir -p "$(dirname "$built")"
    "$python" -m venv "$built"
    local pip=("$built/bin/pip" --quiet --disable-pip-version-check --no-input)
    local wheels="${MODEL_SERVER_WHEELS:-$user_cache/model-server-wheels}/$server"
    if ! cmp -s "$lock" "$wheels/.lock.txt"; then
      mkdir -p "$wheels"
      # `wheel` builds the sdists that have no pyproject.toml (Seldon's opentracing, jaeger-client...).
      "${pip[@]}" install wheel==0.45.1
      "${pip[@]}" wheel -r "$lock" -w "$wheels"
      cp "$lock" "$wheels/.lock.txt"
    fi
    "${pip[@]}" install --no-index --find-links "$wheels" -r "$lock"
    cp "$lock" "$stamp"
    echo "tools/model-servers/install.sh: $server installed in $built ($("$built/bin/python" --version))"
  fi
  if [ "$(readlink "$venv" 2>/dev/null)" != "$built" ]; then
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    ln -s "$built" "$venv"
  fi
  # The model is remade when the lock (its scikit-learn), the data or the layout code changed.
  fixture_stamp=$(cat "$lock" "$here/train_fixture.py" "$here/IrisClassifier.py" "$here/kserve_iris.py" tools/train-iris/iris.csv | sha256sum)
  if [ "$(cat "$model/.stamp" 2>/dev/null)" != "$fixture_stamp" ]; then
    rm -rf "$model"
    "$venv/bin/python" "$here/train_fixture.py" "$server" "$model"
    echo "$fixture_stamp" >"$model/.stamp"
  fi
}

servers=(${MODEL_SERVERS:-mlserver seldon kserve})
mkdir -p "$cache"
declare -A pids
for server in "${servers[@]}"; do
  [ -n "${PYTHON[$server]:-}" ] || { echo "tools/model-servers/install.sh: unknown server '$server' (mlserver, seldon, kserve)" >&2; exit 2; }
  install_server "$server" >"$cache/$server.log" 2>&1 &
  pids[$server]=$!
done
failed=0
for server in "${servers[@]}"; do
  if wait "${pids[$server]}"; then
    cat "$cache/$server.log"
  else
    echo "tools/model-servers/install.sh: installing $server failed:" >&2
    cat "$cache/$server.log" >&2
    failed=1
  fi
done
exit "$failed"
