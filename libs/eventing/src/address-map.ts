import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { isMapping } from '@seldon-eventing/cloudevents';
import { ManifestError } from './errors';
import { firstLine, typeName } from './manifests';

/** `host` or `host:port`, normalised the way URL normalises hosts (lower case, IDNA, IPv6 brackets). */
function parseHostKey(key: string): string | undefined {
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(key.trim());
  if (!match || match[1] === '') return undefined;
  const [, host, port] = match;
  let hostname: string;
  try {
    const url = new URL(`http://${host}/`);
    if (url.port !== '' || url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '') return undefined;
    hostname = url.hostname;
  } catch {
    return undefined;
  }
  if (port === undefined) return hostname;
  const n = Number(port);
  if (n < 1 || n > 65535) return undefined;
  return `${hostname}:${n}`;
}

/**
 * Where cluster addresses live when the services run outside a cluster: `host[:port]` -> base URL.
 * A URL maps by its `host:port` (only when it names a port) and then by its host; the mapped URL
 * is the base URL with the original path appended to the base path, and the original query.
 * Unmapped URLs come back unchanged.
 */
export class AddressMap {
  private constructor(private readonly entries: ReadonlyMap<string, URL>) {}

  static empty(): AddressMap {
    return new AddressMap(new Map());
  }

  /** A top-level YAML mapping of `host[:port]` to base URL; an empty document is an empty map. */
  static fromYaml(text: string, source?: string): AddressMap {
    const where = source ? `${source}: ` : '';
    if (typeof text !== 'string') throw new ManifestError(`${where}the address map must be YAML text, got ${typeName(text)}`);
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) throw new ManifestError(`${where}YAML syntax error: ${firstLine(doc.errors[0].message)}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new ManifestError(`${where}${firstLine((err as Error).message)}`);
    }
    if (value === null || value === undefined) return AddressMap.empty();
    if (!isMapping(value)) throw new ManifestError(`${where}the address map must be a mapping of host[:port] to base URL, got ${typeName(value)}`);
    const entries = new Map<string, URL>();
    for (const rawKey of Object.keys(value)) {
      const key = parseHostKey(rawKey);
      if (key === undefined) throw new ManifestError(`${where}${JSON.stringify(rawKey)} is not a host or host:port`);
      const target = value[rawKey];
      if (typeof target !== 'string') throw new ManifestError(`${where}${rawKey} must map to a base URL string, got ${typeName(target)}`);
      let base: URL;
      try {
        base = new URL(target);
      } catch {
        throw new ManifestError(`${where}${rawKey} maps to ${JSON.stringify(target)}, which is not an absolute URL`);
      }
      if (base.protocol !== 'http:' && base.protocol !== 'https:') {
        throw new ManifestError(`${where}${rawKey} maps to ${JSON.stringify(target)}: only http and https base URLs are supported`);
      }
      if (base.search !== '' || base.hash !== '') {
        throw new ManifestError(`${where}${rawKey} maps to ${JSON.stringify(target)}: a base URL cannot have a query or fragment`);
      }
      if (entries.has(key)) throw new ManifestError(`${where}${key} is mapped twice`);
      entries.set(key, base);
    }
    return new AddressMap(entries);
  }

  static fromFile(path: string): AddressMap {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ManifestError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read: ${(err as Error).message}`);
    }
    return AddressMap.fromYaml(text, path);
  }

  /** How many hosts are mapped. */
  get size(): number {
    return this.entries.size;
  }

  toLocal(url: URL): URL {
    const base = (url.port !== '' ? this.entries.get(`${url.hostname}:${url.port}`) : undefined) ?? this.entries.get(url.hostname);
    if (!base) return new URL(url.href);
    const local = new URL(base.href);
    local.pathname = base.pathname.replace(/\/+$/, '') + url.pathname;
    local.search = url.search;
    return local;
  }
}
