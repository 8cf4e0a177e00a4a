#!/usr/bin/env bash
# Installs what `npm run images` needs where there is no Docker engine: Debian's buildah (and
# podman to run the images), debootstrap to make a base image locally. Idempotent: installs only
# what is missing. Needs root (apt-get), as on CI and the developers' machines.
set -euo pipefail
missing=()
for pkg in buildah podman debootstrap; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
