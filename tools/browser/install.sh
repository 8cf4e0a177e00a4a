#!/usr/bin/env bash
# Installs Debian's chromium for the console's browser test (e2e/src/console.e2e.ts), which
# drives it with playwright-core: no browser build is downloaded (this machine reaches Debian's
# packages, not a browser vendor's CDN). Idempotent: installs only when missing. Needs root
# (apt-get), as on CI and the developers' machines.
set -euo pipefail
if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
