#!/usr/bin/env bash
# npm run images: builds every app's image from docker/Dockerfile as seldon-eventing/<app>:<tag>.
# With a Docker engine: docker build. Without one (this project's machines): Debian's buildah,
# on a Node 20 base made locally, since no base image can be pulled here: debootstrap's minimal
# Debian bookworm plus this machine's Node 20 and npm (tools/images/base.sh), built with
# --pull-never. Usage: tools/images/build.sh [app ...] (default: every app).
#   IMAGE_TAG   the tag (default: the version in package.json)
set -euo pipefail
cd "$(dirname "$0")/../.."

tag="${IMAGE_TAG:-$(node -p "require('./package.json').version")}"
# App and port, as in the README's table of services (tools/run/services.js).
declare -A PORTS=([broker]=8080 [ingress-adapter]=8081 [predictor-router]=8082 [response-publisher]=8083 [event-display]=8084 [kafka-dispatcher]=8085 [model-server]=9000)
apps=("$@")
[ "${#apps[@]}" -gt 0 ] || apps=(broker ingress-adapter predictor-router response-publisher event-display kafka-dispatcher model-server)
for app in "${apps[@]}"; do
  [ -n "${PORTS[$app]:-}" ] || { echo "tools/images/build.sh: unknown app '$app' (one of: ${!PORTS[*]})" >&2; exit 2; }
done

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  for app in "${apps[@]}"; do
    docker build -f docker/Dockerfile --build-arg "APP=$app" --build-arg "PORT=${PORTS[$app]}" -t "seldon-eventing/$app:$tag" .
  done
  exit 0
fi

tools/images/install.sh
base="$(tools/images/base.sh)"
for app in "${apps[@]}"; do
  echo "images: building seldon-eventing/$app:$tag on $base" >&2
  # --layers: the npm ci layer is shared by every app; --format docker keeps HEALTHCHECK (OCI has none);
  # the host network: the build's npm ci reaches the npm registry as this machine does.
  buildah build --pull-never --layers --format docker --network host --isolation chroot \
    --build-arg "BASE=$base" --build-arg "APP=$app" --build-arg "PORT=${PORTS[$app]}" \
    -f docker/Dockerfile -t "seldon-eventing/$app:$tag" . >&2
done
