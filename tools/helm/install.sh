#!/usr/bin/env bash
# Installs helm at a pinned version from its Go module (the Go module proxy is reachable where
# helm's release downloads are not), into a cache folder kept between runs. Idempotent: prints
# the path of the helm binary, building it only when that version is not there yet.
#   HELM_VERSION  the helm release (default below)
#   HELM_CACHE    where it is kept (default ~/.cache/seldon-eventing/helm)
set -euo pipefail
version="${HELM_VERSION:-v3.22.0}"
cache="${HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seldon-eventing/helm}/${version}"
bin="$cache/helm"
# The stamp marks a build made by this script's flags (an older build assumed Kubernetes 1.20).
stamp="$cache/.built-by-install-sh-2"
if [ ! -x "$bin" ] || [ ! -e "$stamp" ] || ! "$bin" version --short 2>/dev/null | grep -q "^${version}"; then
  command -v go >/dev/null || { echo "tools/helm/install.sh: Go is needed to build helm" >&2; exit 1; }
  mkdir -p "$cache"
  # The ldflags of helm's Makefile: the version helm reports, and the Kubernetes version that
  # `helm template` and `helm lint` assume (client-go v0.N is built for Kubernetes 1.N),
  # without which they assume 1.20 and refuse charts that need a newer one.
  gomod="$(go mod download -json "helm.sh/helm/v3@${version}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  k8s_minor="$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod")"
  flags="-X helm.sh/helm/v3/internal/version.version=${version}"
  for pkg in pkg/lint/rules pkg/chartutil; do
    flags="$flags -X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1 -X helm.sh/helm/v3/${pkg}.k8sVersionMinor=${k8s_minor}"
  done
  # CGO off: a static binary.
  CGO_ENABLED=0 GOBIN="$cache" go install -ldflags "$flags" "helm.sh/helm/v3/cmd/helm@${version}" >&2
  touch "$stamp"
fi
echo "$bin"
