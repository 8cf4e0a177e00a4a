import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressMap, ManifestError } from './index';

const map = AddressMap.fromYaml(
  [
    '# cluster host -> local base URL',
    'event-display.default.svc.cluster.local: http://127.0.0.1:8084',
    'iris-deployment-default.default.svc.cluster.local:8000: http://127.0.0.1:9000',
    'iris-deployment-default.default.svc.cluster.local: http://127.0.0.1:9999',
    'prefixed.default.svc.cluster.local: http://127.0.0.1:7000/base/',
    'istio-ingressgateway: http://127.0.0.1:9000',
  ].join('\n'),
  'local-addresses.yaml',
);
const local = (url: string): string => map.toLocal(new URL(url)).href;

describe('AddressMap', () => {
  it('maps a host, keeping the path and query', () => {
    expect(local('http://event-display.default.svc.cluster.local/')).toBe('http://127.0.0.1:8084/');
    expect(local('http://event-display.default.svc.cluster.local/events?type=x')).toBe('http://127.0.0.1:8084/events?type=x');
    expect(local('http://istio-ingressgateway/seldon/default/iris/api/v1.0/predictions')).toBe('http://127.0.0.1:9000/seldon/default/iris/api/v1.0/predictions');
  });

  it('prefers host:port when the URL names a port, and falls back to the host', () => {
    expect(local('http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions')).toBe('http://127.0.0.1:9000/api/v1.0/predictions');
    expect(local('http://iris-deployment-default.default.svc.cluster.local/api/v1.0/predictions')).toBe('http://127.0.0.1:9999/api/v1.0/predictions');
    expect(local('http://iris-deployment-default.default.svc.cluster.local:1234/x')).toBe('http://127.0.0.1:9999/x');
    expect(local('http://event-display.default.svc.cluster.local:8080/x')).toBe('http://127.0.0.1:8084/x');
  });

  it('appends the original path to the base path', () => {
    expect(local('http://prefixed.default.svc.cluster.local/')).toBe('http://127.0.0.1:7000/base/');
    expect(local('http://prefixed.default.svc.cluster.local/a/b?c=d')).toBe('http://127.0.0.1:7000/base/a/b?c=d');
  });

  it('matches hosts case-insensitively', () => {
    expect(local('http://Event-Display.default.svc.cluster.local/')).toBe('http://127.0.0.1:8084/');
  });

  it('returns unmapped URLs unchanged', () => {
    expect(local('http://other.default.svc.cluster.local:8080/x?y=1')).toBe('http://other.default.svc.cluster.local:8080/x?y=1');
    const url = new URL('http://unmapped/');
    expect(map.toLocal(url)).not.toBe(url);
    expect(AddressMap.empty().toLocal(new URL('http://event-display.default.svc.cluster.local/')).href).toBe('http://event-display.default.svc.cluster.local/');
  });

  it('treats an empty document as an empty map', () => {
    expect(AddressMap.fromYaml('').size).toBe(0);
    expect(AddressMap.fromYaml('# nothing\n').size).toBe(0);
    expect(map.size).toBe(5);
  });

  it.each<[string, string]>([
    ['- a\n- b\n', 'x.yaml: the address map must be a mapping of host[:port] to base URL, got a list'],
    ['host: 8080\n', 'x.yaml: host must map to a base URL string, got number 8080'],
    ['host: not a url\n', 'x.yaml: host maps to "not a url", which is not an absolute URL'],
    ['host: ftp://x/\n', 'x.yaml: host maps to "ftp://x/": only http and https base URLs are supported'],
    ['host: http://x/?q=1\n', 'x.yaml: host maps to "http://x/?q=1": a base URL cannot have a query or fragment'],
    ['"bad host/path": http://x/\n', 'x.yaml: "bad host/path" is not a host or host:port'],
    ['"host:99999": http://x/\n', 'x.yaml: "host:99999" is not a host or host:port'],
    ['Host: http://x/\nhost: http://y/\n', 'x.yaml: host is mapped twice'],
  ])('refuses %j', (text, message) => {
    expect(() => AddressMap.fromYaml(text, 'x.yaml')).toThrow(new ManifestError(message));
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => AddressMap.fromYaml('a: http://x/\nb: [\n', 'x.yaml')).toThrow(/^x\.yaml: YAML syntax error: .* at line \d+, column \d+$/);
  });

  it('reads a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'address-map-'));
    try {
      const file = join(dir, 'local.yaml');
      writeFileSync(file, 'event-display.default.svc.cluster.local: http://127.0.0.1:8084\n');
      expect(AddressMap.fromFile(file).toLocal(new URL('http://event-display.default.svc.cluster.local/')).href).toBe('http://127.0.0.1:8084/');
      expect(() => AddressMap.fromFile(join(dir, 'missing.yaml'))).toThrow(`${join(dir, 'missing.yaml')}: no such file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
