#!/usr/bin/env bash
# Makes the Node 20 base image where none can be pulled: Debian bookworm (debootstrap, minbase)
# with this machine's Node 20 and npm copied in and the `node` user (uid 1000) of the official
# node images, and this machine's CA certificates. Idempotent: an existing image is reused
# (`buildah rmi localhost/seldon-eventing/node:20-bookworm-slim` makes it anew). Prints its name.
# For local builds and tests: images for a registry are better built with docker on node:20.
set -euo pipefail
image="localhost/seldon-eventing/node:20-bookworm-slim"
if buildah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

node_bin="$(command -v node)"
node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || { echo "tools/images/base.sh: Node 20 is needed on this machine, found $("$node_bin" --version)" >&2; exit 1; }
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" >&2
cp "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# This machine's trust store (the registries are reached through its CAs): npm ci in the build
# stage must trust what this machine trusts. Node reads it through NODE_EXTRA_CA_CERTS below.
mkdir -p "$rootfs/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
chroot "$rootfs" /usr/sbin/groupadd --gid 1000 node
chroot "$rootfs" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

container="$(buildah from scratch)"
mnt="$(buildah mount "$container")"
cp -a "$rootfs"/. "$mnt"/
buildah umount "$container" >/dev/null
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --env NODE_VERSION="$("$node_bin" -p process.versions.node)" --cmd node "$container"
buildah commit --rm "$container" "$image" >&2
echo "$image"
