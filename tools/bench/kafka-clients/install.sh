#!/usr/bin/env bash
# Installs the Kafka clients that tools/bench/kafka-clients/compare.js measures against kafkajs
# (docs/performance.md, "The Kafka client") into this folder's own node_modules, apart from the
# project's packages, from this folder's package-lock.json. Idempotent: does nothing when the
# installed packages match the lock file and this Node.
#
# @confluentinc/kafka-javascript is built from source: node-pre-gyp would otherwise download a
# prebuilt binary from GitHub, which this machine does not reach. Its default source build
# (CKJS_LINKING=static) runs librdkafka's configure with --install-deps --source-deps-only, which
# downloads OpenSSL, zlib and zstd sources; CKJS_LINKING=dynamic builds the bundled librdkafka
# against the system's libssl and zlib (Debian's libssl-dev and zlib1g-dev, installed below when
# missing) and links the addon to it by rpath, with no download. It takes ~3 CPU minutes.
set -euo pipefail
cd "$(dirname "$0")"

stamp="node_modules/.installed"
want="$(node --version) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

missing=()
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for pkg in libssl-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

start=$SECONDS
CKJS_LINKING=dynamic npm_config_build_from_source=@confluentinc/kafka-javascript npm ci --no-audit --no-fund --loglevel=error >&2
node -e "require('@confluentinc/kafka-javascript'); require('@platformatic/kafka')"
echo "$want" > "$stamp"
echo "kafka-clients: installed in $((SECONDS - start)) s" >&2
