import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '../..');
/** The services' own reading of their manifests, from the sources (as tools/settings reads the apps' settings). */
const { Topology } = require(join(ROOT, 'libs/topology/src/index.ts'));
const CHART = 'deploy/helm/seldon-eventing';
const SEED = 'config/manifests/seed.yaml';

/** helm at the project's pinned version: tools/helm/install.sh builds it once and caches it. */
const helm = execFileSync('bash', [join(ROOT, 'tools/helm/install.sh')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

function run(command: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function template(...args: string[]): string {
  const result = run(helm, ['template', 'seldon-eventing', CHART, '--namespace', 'default', ...args]);
  if (result.status !== 0) throw new Error(`helm template ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec: any };
const objectsOf = (yaml: string): K8sObject[] => parseAllDocuments(yaml).map((d) => d.toJS()).filter(Boolean);

/** The kubernetes-models validator (an ES module, so run as its own process): exit code and report. */
const validate = (yaml: string) => run(process.execPath, [join(ROOT, 'deploy/validate-manifests.mjs')], yaml);

const settingNames = new Set([...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

const KAFKA = ['--set', 'backend=kafka', '--set', 'kafka.bootstrapServers=my-cluster-kafka-bootstrap.kafka:9093'];
const KAFKA_SECURED = [
  ...KAFKA,
  '--set', 'kafka.sasl.mechanism=scram-sha-512', '--set', 'kafka.sasl.username=seldon-eventing', '--set', 'kafka.sasl.passwordSecret.name=seldon-eventing',
  '--set', 'kafka.tls.caSecret.name=my-cluster-cluster-ca-cert',
];

describe.each([
  ['knative', ['--set-file', `eventing.manifests=${SEED}`]],
  ['kafka', [...KAFKA_SECURED, '--set-file', `eventing.manifests=${SEED}`]],
])('the Helm chart on the %s backend', (backend, values) => {
  const rendered = template(...values);
  const objects = objectsOf(rendered);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const containers = deployments.map((d) => d.spec.template.spec.containers[0]);

  it('passes helm lint', () => {
    const result = run(helm, ['lint', '--strict', CHART, ...values]);
    expect(result.stderr + result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });

  it('renders only objects valid against the Kubernetes and Knative schemas', () => {
    const result = validate(rendered);
    expect(result.stdout).not.toMatch(/INVALID/);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(objects.length);
  });

  it("runs the backend's services, each with a Service, a PodDisruptionBudget and its probes", () => {
    const apps = deployments.map((d) => d.metadata.name).sort();
    const expected = ['event-display', 'ingress-adapter', 'predictor-router', 'response-publisher', ...(backend === 'kafka' ? ['kafka-dispatcher'] : [])].sort();
    expect(apps).toEqual(expected);
    for (const kind of ['Service', 'PodDisruptionBudget']) expect(objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort()).toEqual(expected);
    for (const container of containers) {
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.resources.requests).toBeDefined();
    }
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/port': String(deployment.spec.template.spec.containers[0].ports[0].containerPort) });
    }
  });

  it('runs every container as non-root on a read-only root filesystem, with no Kubernetes API token', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(objects.filter((o) => ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
  });

  it("sets only settings of the README's table", () => {
    const names = containers.flatMap((c) => c.env.map((e: { name: string }) => e.name));
    expect(names.filter((name) => !settingNames.has(name))).toEqual([]);
    for (const container of containers) expect(container.env).toContainEqual({ name: 'EVENTING_TRANSPORT', value: backend });
  });
});

describe('the Helm chart on the knative backend', () => {
  const triggers = objectsOf(template('--set-file', `eventing.manifests=${SEED}`)).filter((o) => o.kind === 'Trigger');

  it("creates the product's own Trigger: prediction outcomes to the response-publisher", () => {
    expect(triggers).toContainEqual(
      expect.objectContaining({
        apiVersion: 'eventing.knative.dev/v1',
        spec: { broker: 'default', filter: { attributes: { type: 'io.seldon.eventing.prediction.outcome' } }, subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'response-publisher' } } },
      }),
    );
  });

  it("points the seed's predictor Trigger at the predictor-router's per-Trigger path, and keeps the other as written", () => {
    const byName = Object.fromEntries(triggers.map((t) => [t.metadata.name, t]));
    expect(byName['seldon-eventing-sklearn-trigger'].spec).toEqual({
      broker: 'default',
      filter: { attributes: { type: 'seldon.iris-deployment.default.request' } },
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'predictor-router' }, uri: '/triggers/default/seldon-eventing-sklearn-trigger' },
    });
    expect(byName['event-display'].spec.subscriber).toEqual({ ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } });
  });

  it("gives the services the user's manifests as they wrote them, and Knative's broker ingress as K_SINK", () => {
    const objects = objectsOf(template('--set-file', `eventing.manifests=${SEED}`));
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(configMap.data['user.yaml'].trim()).toBe(readFileSync(join(ROOT, SEED), 'utf8').trim());
    const router = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'predictor-router') as K8sObject;
    expect(router.spec.template.spec.containers[0].env).toContainEqual({ name: 'K_SINK', value: 'http://broker-ingress.knative-eventing.svc.cluster.local/default/default' });
  });

  it('makes each service serve its Triggers in the cluster, the predictor-router calling the SeldonDeployment', () => {
    const objects = objectsOf(template('--set-file', `eventing.manifests=${SEED}`));
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    const router = (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'predictor-router') as K8sObject).spec.template.spec.containers[0].env;
    const mounted = mkdtempSync(join(tmpdir(), 'chart-manifests-'));
    for (const [file, text] of Object.entries(configMap.data)) writeFileSync(join(mounted, file), text);
    // As the services read the mounted ConfigMap, with the settings the chart gives them.
    const setting = (name: string) => router.find((e: { name: string }) => e.name === name).value;
    const warnings: string[] = [];
    const topology = Topology.load(
      { manifests: [mounted], localAddresses: setting('LOCAL_ADDRESSES'), clusterDomain: setting('CLUSTER_DOMAIN'), selfConsuming: ['response-publisher', 'event-display'], serviceNamespace: setting('SERVICE_NAMESPACE'), variables: {} },
      { warn: (message: string) => warnings.push(message) },
    );
    expect(warnings).toEqual([]);
    const served = (service: string) => topology.triggersOf(service).map((t: { trigger: { name: string }; subscriber?: URL }) => [t.trigger.name, t.subscriber?.href]);
    expect(served('predictor-router')).toEqual([['seldon-eventing-sklearn-trigger', 'http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions']]);
    expect(served('response-publisher')).toEqual([['seldon-response-publisher', 'http://response-publisher.default.svc.cluster.local/']]);
    expect(served('event-display')).toEqual([['event-display', 'http://event-display.default.svc.cluster.local/']]);
  });

  it('runs the one-machine demo with the embedded broker and the iris model, and then creates no Knative Trigger', () => {
    const objects = objectsOf(template('--set', 'apps.broker.enabled=true', '--set', 'apps.model-server.enabled=true', '--set-file', `eventing.manifests=${SEED}`));
    expect(objects.filter((o) => o.kind === 'Trigger')).toEqual([]);
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'iris-deployment-default')?.spec.ports[0].port).toBe(8000);
    expect(validate(objectsToYaml(objects)).status).toBe(0);
  });
});

describe('the Helm chart on the kafka backend', () => {
  const objects = objectsOf(template(...KAFKA_SECURED));
  const env = (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'predictor-router') as K8sObject).spec.template.spec.containers[0].env;

  it('creates no Knative object', () => {
    expect(objects.filter((o) => o.apiVersion.includes('knative.dev'))).toEqual([]);
  });

  it('connects with SASL and TLS, the password and the CA taken from Secrets', () => {
    expect(env).toEqual(
      expect.arrayContaining([
        { name: 'KAFKA_BROKERS', value: 'my-cluster-kafka-bootstrap.kafka:9093' },
        { name: 'KAFKA_SASL_MECHANISM', value: 'scram-sha-512' },
        { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'seldon-eventing', key: 'password' } } },
        { name: 'KAFKA_TLS', value: 'true' },
        { name: 'KAFKA_TLS_CA_FILE', value: '/etc/seldon-eventing/kafka-ca/ca.crt' },
        { name: 'KAFKA_CONSUMER_GROUP_PREFIX', value: 'knative-trigger-' },
      ]),
    );
  });
});

describe('the Helm chart refuses values it cannot deploy, saying which', () => {
  it.each([
    ['an unknown backend', ['--set', 'backend=nats'], /at '\/backend': value must be one of 'knative', 'kafka'/],
    ['replicas that are not a number', ['--set', 'apps.predictor-router.replicas=two'], /at '\/apps\/predictor-router\/replicas': got string, want integer/],
    ['a misspelt app', ['--set', 'apps.predictr-router.replicas=2'], /additional properties 'predictr-router' not allowed/],
    ['kafka without bootstrap servers', ['--set', 'backend=kafka'], /kafka.bootstrapServers is required/],
    ['SASL without the password Secret', [...KAFKA, '--set', 'kafka.sasl.mechanism=plain', '--set', 'kafka.sasl.username=u'], /kafka.sasl.passwordSecret.name is required/],
    ['a Trigger outside the release namespace', ['--set-file', `eventing.manifests=${file('apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, namespace: other}\nspec: {broker: default, subscriber: {uri: "http://x"}}\n')}`], /Trigger t is in namespace other/],
    ['manifests that are not YAML', ['--set-file', `eventing.manifests=${file('kind: Trigger\n  metadata: [\n')}`], /eventing.manifests: document 1 is not YAML/],
  ])('%s', (_what, args, message) => {
    const result = run(helm, ['template', 'x', CHART, '--namespace', 'default', ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});

describe('docs/deploy.md', () => {
  it('runs: every block it marks as running here succeeds, and what they render is valid', () => {
    const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    const blocks = [...doc.matchAll(/<!-- runs-here -->\n```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    // A user's checkout, without the files the commands write landing in this one.
    const checkout = mkdtempSync(join(tmpdir(), 'deploy-doc-'));
    for (const entry of ['config', 'deploy', 'tools']) symlinkSync(join(ROOT, entry), join(checkout, entry));
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', blocks.join('\n')], { cwd: checkout, encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('v3.22.0');
    const rendered = readdirSync(checkout).filter((f) => f.endsWith('.yaml'));
    expect(rendered.sort()).toEqual(['seldon-eventing-kafka.yaml', 'seldon-eventing.yaml']);
    for (const file of rendered) expect([file, validate(readFileSync(join(checkout, file), 'utf8')).status]).toEqual([file, 0]);
  });
});

describe('the schema validator', () => {
  it('refuses an object that breaks its schema, and a kind it has no schema for', () => {
    const result = validate('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: two, selector: {}, template: {}}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/INVALID apps\/v1 Deployment x: .*replicas must be integer/);
    expect(result.stdout).toMatch(/INVALID example.com\/v1 Widget w: no schema/);
  });
});

describe('the compose files', () => {
  const kafkaVersion = /KAFKA_VERSION \|\| '([0-9.]+)'/.exec(readFileSync(join(ROOT, 'tools/kafka/kafka.js'), 'utf8'))?.[1];

  it.each(['docker/compose.yaml', 'docker/compose.kafka.yaml'])('%s gives every service a health check', (file) => {
    const services = parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true, maxAliasCount: -1 }).services as Record<string, { healthcheck?: unknown }>;
    for (const [name, service] of Object.entries(services)) expect([name, service.healthcheck]).toEqual([name, expect.objectContaining({ test: expect.any(Array) })]);
  });

  it('runs the Kafka version the tests run', () => {
    expect(readFileSync(join(ROOT, 'docker/compose.kafka.yaml'), 'utf8')).toContain(`image: apache/kafka:${kafkaVersion}`);
  });
});

/** A file holding `text`, for --set-file. */
function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'chart-values-')), 'manifests.yaml');
  writeFileSync(path, text);
  return path;
}

function objectsToYaml(objects: K8sObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}
