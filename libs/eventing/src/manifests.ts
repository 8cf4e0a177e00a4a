import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isMapping } from '@seldon-eventing/cloudevents';
import { ManifestError } from './errors';

export interface ObjectMeta {
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  uid?: string;
}

/**
 * A Kubernetes object as loaded: namespace defaulted to 'default', annotations and labels to {}.
 * Top-level fields other than apiVersion/kind/metadata (spec, status, data...) are kept as written.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
}

/** Where an object was loaded from, for error messages. `document` and `item` count from 1. */
export interface ManifestOrigin {
  source?: string;
  document: number;
  /** Position inside a `kind: List` document. */
  item?: number;
}

export const DEFAULT_NAMESPACE = 'default';

// Kept beside the objects rather than on them, so that KubeObject stays the plain shape above.
const origins = new WeakMap<object, ManifestOrigin>();

/** Where `obj` came from, when it was loaded by loadManifests/loadManifestFiles. */
export function originOf(obj: KubeObject): ManifestOrigin | undefined {
  return typeof obj === 'object' && obj !== null ? origins.get(obj) : undefined;
}

/** `Kind namespace/name`, the way the messages of this library name an object. */
export function describeObject(obj: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${describeValue(obj?.kind)} ${describeValue(obj?.metadata?.namespace)}/${describeValue(obj?.metadata?.name)}`;
}

/** `file document N[ item M]`, as messages name a manifest. */
export function describeOrigin(origin: ManifestOrigin): string {
  const item = origin.item === undefined ? '' : ` item ${origin.item}`;
  return `${origin.source ? `${origin.source} ` : ''}document ${origin.document}${item}`;
}

/**
 * The prefix of every message about `obj`: `file document N (Kind ns/name)` when its origin is
 * known, `Kind ns/name` otherwise.
 */
export function locate(obj: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const origin = typeof obj === 'object' && obj !== null ? origins.get(obj) : undefined;
  return origin ? `${describeOrigin(origin)} (${describeObject(obj)})` : describeObject(obj);
}

/** A name or field as text for messages; never throws, whatever `value` is. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object';
  }
}

/** The YAML/JSON type of a value, for "must be X, got Y" messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** The gist of a YAML parser message: its first line, without the colon that introduces the excerpt. */
export function firstLine(message: string): string {
  const line = message.split('\n', 1)[0].trim();
  return line.endsWith(':') ? line.slice(0, -1) : line;
}

function stringMap(value: unknown, field: string, fail: (problem: string) => never): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) fail(`${field} must be a mapping, got ${typeName(value)}`);
  const out: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string') fail(`${field}.${key} must be a string, got ${typeName(v)}`);
    out[key] = v;
  }
  return out;
}

function nonEmptyString(value: unknown, field: string, fail: (problem: string) => never): string {
  if (value === undefined || value === null) fail(`${field} is required`);
  if (typeof value !== 'string') fail(`${field} must be a string, got ${typeName(value)}`);
  if (value === '') fail(`${field} must not be empty`);
  return value;
}

function normalize(doc: unknown, origin: ManifestOrigin): KubeObject {
  const where = describeOrigin(origin);
  if (!isMapping(doc)) {
    throw new ManifestError(`${where}: a manifest must be a mapping with apiVersion, kind and metadata.name, got ${typeName(doc)}`);
  }
  const kindHint = typeof doc.kind === 'string' && doc.kind !== '' ? ` (${doc.kind})` : '';
  const fail = (problem: string): never => {
    throw new ManifestError(`${where}${kindHint}: ${problem}`);
  };
  const apiVersion = nonEmptyString(doc.apiVersion, 'apiVersion', fail);
  const kind = nonEmptyString(doc.kind, 'kind', fail);
  if (doc.metadata === undefined || doc.metadata === null) fail('metadata.name is required');
  if (!isMapping(doc.metadata)) fail(`metadata must be a mapping, got ${typeName(doc.metadata)}`);
  const meta = doc.metadata as Record<string, unknown>;
  const name = nonEmptyString(meta.name, 'metadata.name', fail);
  const namespace = meta.namespace === undefined || meta.namespace === null ? DEFAULT_NAMESPACE : nonEmptyString(meta.namespace, 'metadata.namespace', fail);
  const metadata: ObjectMeta = {
    name,
    namespace,
    annotations: stringMap(meta.annotations, 'metadata.annotations', fail),
    labels: stringMap(meta.labels, 'metadata.labels', fail),
  };
  if (meta.uid !== undefined && meta.uid !== null) metadata.uid = nonEmptyString(meta.uid, 'metadata.uid', fail);
  const obj: KubeObject = { ...doc, apiVersion, kind, metadata };
  if (obj.spec === undefined || obj.spec === null) delete obj.spec;
  if (obj.status === undefined || obj.status === null) delete obj.status;
  origins.set(obj, origin);
  return obj;
}

function isList(doc: unknown): doc is { items?: unknown } {
  return isMapping(doc) && doc.apiVersion === 'v1' && doc.kind === 'List';
}

/**
 * Every object of a multi-document YAML stream, in order. Empty documents are skipped; a `v1 List`
 * contributes its items. Any document that is not a mapping with apiVersion, kind and
 * metadata.name, and any YAML syntax error, is a ManifestError naming `source`, the document
 * (counted from 1, empty ones included) and, for syntax errors, the line.
 */
export function loadManifests(yamlText: string, source?: string): KubeObject[] {
  if (typeof yamlText !== 'string') {
    throw new ManifestError(`${source ? `${source}: ` : ''}manifests must be YAML text, got ${typeName(yamlText)}`);
  }
  const docs = parseAllDocuments(yamlText, { merge: true, prettyErrors: true });
  const prefix = source ? `${source} ` : '';
  if (!Array.isArray(docs)) return [];
  // The empty stream (only comments or blank) is an EmptyStream, an array with no documents.
  if (docs.length === 0) {
    const errors = (docs as { errors?: Error[] }).errors ?? [];
    if (errors.length > 0) throw new ManifestError(`${prefix}YAML syntax error: ${firstLine(errors[0].message)}`.trim());
    return [];
  }
  const objects: KubeObject[] = [];
  docs.forEach((doc, i) => {
    const document = i + 1;
    const where = `${prefix}document ${document}`;
    if (doc.errors.length > 0) {
      throw new ManifestError(`${where}: YAML syntax error: ${firstLine(doc.errors[0].message)}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new ManifestError(`${where}: ${firstLine((err as Error).message)}`);
    }
    if (value === null || value === undefined) return;
    if (isList(value)) {
      const items = value.items ?? [];
      if (!Array.isArray(items)) throw new ManifestError(`${where} (List): items must be a list, got ${typeName(items)}`);
      items.forEach((item, j) => objects.push(normalize(item, { source, document, item: j + 1 })));
      return;
    }
    objects.push(normalize(value, { source, document }));
  });
  return objects;
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Loads every path in order: a file as it is, a directory as its *.yaml / *.yml files (not
 * recursive), sorted by name. A file named twice is loaded once.
 */
export function loadManifestFiles(paths: string[]): KubeObject[] {
  if (!Array.isArray(paths)) throw new ManifestError(`manifest paths must be a list, got ${typeName(paths)}`);
  const files: string[] = [];
  for (const path of paths) {
    if (typeof path !== 'string' || path === '') throw new ManifestError(`a manifest path must be a non-empty string, got ${typeName(path)}`);
    const stat = statOrFail(path);
    if (stat.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(path);
      } catch (err) {
        throw new ManifestError(`${path}: cannot list the directory: ${(err as Error).message}`);
      }
      for (const name of names.filter((n) => YAML_FILE.test(n)).sort()) {
        const file = join(path, name);
        if (statOrFail(file).isFile()) files.push(file);
      }
    } else {
      files.push(path);
    }
  }
  const seen = new Set<string>();
  const objects: KubeObject[] = [];
  for (const file of files) {
    const key = resolve(file);
    if (seen.has(key)) continue;
    seen.add(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ManifestError(`${file}: cannot read: ${(err as Error).message}`);
    }
    objects.push(...loadManifests(text, file));
  }
  return objects;
}

function statOrFail(path: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(code === 'ENOENT' ? `${path}: no such file or directory` : `${path}: ${(err as Error).message}`);
  }
}
