// The configuration the bench runs with, in a temp folder: the seed and the product's wiring as
// shipped, minus event-display's Trigger (event-display is left out of the run: it prints and
// keeps every event, which is not the product's cost) and the request/reply Trigger to the
// ingress-adapter (the bench's clients do not wait for their answers; a deployment without
// request/reply leaves that Trigger out), plus the bench's own Triggers.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { ROOT } = require('../run/services');

const SHIPPED = path.join(ROOT, 'config', 'manifests');
/** The deployment the bench's requests name (load.js REQUEST_TYPE). */
const SEED_DEPLOYMENT = 'iris-deployment';
/** The Services whose shipped Triggers the bench leaves out (see above). */
const LEFT_OUT_SUBSCRIBERS = new Set(['event-display', 'ingress-adapter']);

/**
 * `count` Triggers to the bench sink: the first matches the response events, the others match
 * types nobody sends, as the unrelated Triggers of a busy broker do.
 */
function benchTriggers(count, { sinkUrl, responseType }) {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: { name: i === 0 ? 'bench-sink' : `bench-unmatched-${i}`, namespace: 'default' },
    spec: { broker: 'default', filter: { attributes: { type: i === 0 ? responseType : `bench.unmatched.${i}` } }, subscriber: { uri: sinkUrl } },
  }));
}

/** The micro-batching annotations of a SeldonDeployment (docs/predictors.md, "Batching"). */
function batchAnnotations({ maxSize, maxWaitMs }) {
  return { 'seldon-eventing.io/batch-max-size': String(maxSize), 'seldon-eventing.io/batch-max-wait-ms': String(maxWaitMs) };
}

/** The shipped manifests; with `batching`, the seed's deployment (the one the bench calls) opts into it. */
function shippedForBench(batching) {
  const docs = [];
  for (const file of fs.readdirSync(SHIPPED).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(SHIPPED, file), 'utf8'))) {
      const manifest = doc.toJS();
      if (!manifest || (manifest.kind === 'Trigger' && LEFT_OUT_SUBSCRIBERS.has(manifest.spec?.subscriber?.ref?.name))) continue;
      if (batching && manifest.kind === 'SeldonDeployment' && manifest.metadata?.name === SEED_DEPLOYMENT) {
        manifest.metadata.annotations = { ...manifest.metadata.annotations, ...batchAnnotations(batching) };
      }
      docs.push(manifest);
    }
  }
  return docs;
}

/**
 * A manifests folder for EVENTING_MANIFESTS; setTriggers(n) rewrites the bench's Triggers,
 * setBatching(policy | undefined) the seed deployment's batching annotations.
 */
function benchManifests({ sinkUrl, responseType, triggers }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-manifests-'));
  const write = (file, docs) => fs.writeFileSync(path.join(dir, file), docs.map((d) => YAML.stringify(d)).join('---\n'));
  const setBatching = (batching) => write('shipped.yaml', shippedForBench(batching));
  setBatching(undefined);
  const setTriggers = (count) => write('bench-triggers.yaml', benchTriggers(count, { sinkUrl, responseType }));
  setTriggers(triggers);
  return { dir, setTriggers, setBatching, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { benchManifests };
