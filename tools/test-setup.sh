#!/usr/bin/env bash
# What the tests need beyond npm's packages, installed when missing and cached between runs on
# the same machine, so that `npm test` works on a fresh machine (and .ci/run is `npm ci` then
# `npm test`). Each step is idempotent and takes seconds once done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Apache Kafka's jars come from Maven Central; the e2e setup then starts a broker on loopback.
node tools/kafka/kafka.js fetch
# prometheus_client's parser, with which the metrics e2e reads /metrics (.cache/venv).
bash tools/python/setup.sh
# MLServer, Seldon Core and KServe with their iris models (e2e/src/real-servers.e2e.ts).
bash tools/model-servers/install.sh
# helm at a pinned version, built from its Go module (the deploy project lints, renders and
# validates the chart with it).
tools/helm/install.sh >/dev/null
# buildah (and debootstrap) for npm run images, which e2e/src/containers.e2e.ts runs: no Docker
# engine runs here, and the base image is made locally (tools/images/base.sh).
tools/images/install.sh
# Debian's chromium for the console's browser test (e2e/src/console.e2e.ts).
tools/browser/install.sh >/dev/null
