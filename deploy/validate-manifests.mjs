// Validates Kubernetes and Knative objects against their published schemas, with the
// kubernetes-models packages (the Kubernetes OpenAPI schemas, and Knative's CRD schemas in
// @kubernetes-models/knative). Reads multi-document YAML on stdin (as `helm template` prints
// it), prints one line per object, and exits 1 when any object is invalid or of a kind that has
// no schema here. ES module: the kubernetes-models packages are published as ES modules only.
import { parseAllDocuments } from 'yaml';

/** The module of a kind's model: core and Kubernetes groups in kubernetes-models, Knative's in its own package. */
function modelModule(apiVersion, kind) {
  if (!apiVersion.includes('/')) return `kubernetes-models/${apiVersion}/${kind}`;
  const [group] = apiVersion.split('/');
  return group.endsWith('knative.dev') ? `@kubernetes-models/knative/${apiVersion}/${kind}` : `kubernetes-models/${apiVersion}/${kind}`;
}

async function validate(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return 'apiVersion and kind are required';
  let Model;
  try {
    Model = (await import(modelModule(apiVersion, kind)))[kind];
  } catch {
    return `no schema for ${apiVersion} ${kind}`;
  }
  try {
    new Model(object).validate();
    return undefined;
  } catch (err) {
    return err.message;
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
let failed = 0;
for (const doc of parseAllDocuments(Buffer.concat(chunks).toString('utf8'))) {
  if (doc.errors.length > 0) {
    console.log(`INVALID YAML: ${doc.errors[0].message}`);
    failed++;
    continue;
  }
  const object = doc.toJS();
  if (object === null || object === undefined) continue;
  const error = await validate(object);
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name ?? '(no name)'}`;
  if (error) failed++;
  console.log(error ? `INVALID ${name}: ${error.replace(/\s+/g, ' ')}` : `valid ${name}`);
}
process.exit(failed > 0 ? 1 : 0);
