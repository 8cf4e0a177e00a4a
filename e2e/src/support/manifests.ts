import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** The manifests every e2e flow loads: the seed, the product's wiring, e2e/config. */
export const FLOW_MANIFESTS = 'config/manifests,e2e/config';

/** Writes Kubernetes objects as one multi-document YAML file in a new folder; returns the folder. */
export function manifestDir(objects: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-manifests-'));
  writeFileSync(join(dir, 'manifests.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

/** EVENTING_MANIFESTS for a flow with these objects besides its usual manifests. */
export function withManifests(objects: object[]): string {
  return `${FLOW_MANIFESTS},${manifestDir(objects)}`;
}

export interface PredictorOptions {
  /** The Trigger's delivery spec (retry, backoff, deadLetterSink). */
  delivery?: Record<string, unknown>;
  annotations?: Record<string, string>;
  /** The SeldonDeployment's `spec.protocol`; `seldon` (v1) by default. */
  protocol?: string;
}

/**
 * A SeldonDeployment whose predictor answers at `url` (what its operator would have written in
 * status.address.url), and the Trigger that sends it `seldon.<name>.default.request` events.
 */
export function predictorAt(name: string, url: string, { delivery, annotations, protocol = 'seldon' }: PredictorOptions = {}): object[] {
  return [
    {
      apiVersion: 'machinelearning.seldon.io/v1',
      kind: 'SeldonDeployment',
      metadata: { name, namespace: 'default' },
      spec: { protocol, predictors: [{ name: 'default', graph: { name: 'classifier' } }] },
      status: { address: { url } },
    },
    {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: `${name}-trigger`, namespace: 'default', ...(annotations ? { annotations } : {}) },
      spec: {
        broker: 'default',
        filter: { attributes: { type: `seldon.${name}.default.request` } },
        subscriber: { ref: { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', name } },
        ...(delivery ? { delivery } : {}),
      },
    },
  ];
}
