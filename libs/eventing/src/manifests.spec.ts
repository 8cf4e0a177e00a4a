import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError, loadManifestFiles, loadManifests, originOf } from './index';

function errorOf(fn: () => unknown): ManifestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return err as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

describe('loadManifests', () => {
  it('reads every document of a stream, skipping empty ones, and defaults the namespace', () => {
    const objects = loadManifests(
      [
        '# leading comment',
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: event-display }',
        '---',
        '# nothing here',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: cfg',
        '  namespace: team-a',
        '  labels: { app: x }',
        '  annotations: { note: "1" }',
        'data: { key: value }',
        '---',
      ].join('\n'),
    );
    expect(objects).toHaveLength(2);
    expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'event-display', namespace: 'default', annotations: {}, labels: {} } });
    expect(objects[1].metadata).toEqual({ name: 'cfg', namespace: 'team-a', annotations: { note: '1' }, labels: { app: 'x' } });
    // Fields other than spec/status are kept as written.
    expect((objects[1] as unknown as { data: unknown }).data).toEqual({ key: 'value' });
  });

  it('returns nothing for an empty or comment-only text', () => {
    expect(loadManifests('')).toEqual([]);
    expect(loadManifests('# just a comment\n')).toEqual([]);
    expect(loadManifests('---\n---\n')).toEqual([]);
  });

  it('remembers where each object came from, counting documents from 1 with empty ones included', () => {
    const objects = loadManifests('---\n---\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n', 'config/x.yaml');
    expect(originOf(objects[0])).toEqual({ source: 'config/x.yaml', document: 2 });
  });

  it('expands a v1 List into its items', () => {
    const objects = loadManifests(
      'apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: Service, metadata: { name: a } }\n  - { apiVersion: v1, kind: Service, metadata: { name: b } }\n',
      'list.yaml',
    );
    expect(objects.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(originOf(objects[1])).toEqual({ source: 'list.yaml', document: 1, item: 2 });
    expect(errorOf(() => loadManifests('apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: Service, metadata: {} }\n', 'list.yaml')).message).toBe(
      'list.yaml document 1 item 1 (Service): metadata.name is required',
    );
  });

  it.each([
    ['- a\n- b\n', 'config/x.yaml document 1: a manifest must be a mapping with apiVersion, kind and metadata.name, got a list'],
    ['just text\n', 'config/x.yaml document 1: a manifest must be a mapping with apiVersion, kind and metadata.name, got the string "just text"'],
    ['kind: Trigger\nmetadata: { name: a }\n', 'config/x.yaml document 1 (Trigger): apiVersion is required'],
    ['apiVersion: v1\nmetadata: { name: a }\n', 'config/x.yaml document 1: kind is required'],
    ['apiVersion: v1\nkind: Service\n', 'config/x.yaml document 1 (Service): metadata.name is required'],
    ['apiVersion: v1\nkind: Service\nmetadata: { name: "" }\n', 'config/x.yaml document 1 (Service): metadata.name must not be empty'],
    ['apiVersion: v1\nkind: Service\nmetadata: { name: 7 }\n', 'config/x.yaml document 1 (Service): metadata.name must be a string, got number 7'],
    ['apiVersion: v1\nkind: Service\nmetadata: [a]\n', 'config/x.yaml document 1 (Service): metadata must be a mapping, got a list'],
    [
      'apiVersion: v1\nkind: Service\nmetadata: { name: a, annotations: { retries: 3 } }\n',
      'config/x.yaml document 1 (Service): metadata.annotations.retries must be a string, got number 3',
    ],
  ])('refuses %j naming the file, document and field', (text, message) => {
    expect(errorOf(() => loadManifests(text, 'config/x.yaml')).message).toBe(message);
  });

  it('names the document of a bad one further down the stream', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: { name: ok }\n---\napiVersion: v1\nkind: Service\nmetadata: { namespace: x }\n';
    expect(errorOf(() => loadManifests(text, 'config/x.yaml')).message).toBe('config/x.yaml document 2 (Service): metadata.name is required');
  });

  it('reports YAML syntax errors with their line and column', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\napiVersion: v1\nkind: [Service\nmetadata: {}\n';
    const message = errorOf(() => loadManifests(text, 'config/bad.yaml')).message;
    expect(message).toMatch(/^config\/bad\.yaml document 2: YAML syntax error: .* at line \d+, column \d+$/);
  });

  it('refuses duplicate keys rather than silently keeping the last', () => {
    const message = errorOf(() => loadManifests('apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: { name: a }\n', 'dup.yaml')).message;
    expect(message).toMatch(/^dup\.yaml document 1: YAML syntax error: Map keys must be unique at line 3, column 1$/);
  });

  it('supports merge keys, as kubectl does', () => {
    const [obj] = loadManifests('base: &b { apiVersion: v1, kind: Service }\n<<: *b\nmetadata: { name: merged }\n');
    expect(obj.kind).toBe('Service');
  });

  it('works without a source name', () => {
    expect(errorOf(() => loadManifests('apiVersion: v1\nkind: Service\n')).message).toBe('document 1 (Service): metadata.name is required');
  });
});

describe('loadManifestFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eventing-manifests-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const service = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\n`;

  it('loads a directory’s .yaml and .yml files sorted by name, and ignores other files and subdirectories', () => {
    writeFileSync(join(dir, 'b.yml'), service('b'));
    writeFileSync(join(dir, 'a.yaml'), `${service('a1')}---\n${service('a2')}`);
    writeFileSync(join(dir, 'c.YAML'), service('c'));
    writeFileSync(join(dir, 'README.md'), '# not yaml');
    mkdirSync(join(dir, 'nested.yaml'));
    writeFileSync(join(dir, 'nested.yaml', 'd.yaml'), service('d'));
    expect(loadManifestFiles([dir]).map((o) => o.metadata.name)).toEqual(['a1', 'a2', 'b', 'c']);
  });

  it('loads files and directories in the order given, each file once', () => {
    const file = join(dir, 'one.yaml');
    writeFileSync(file, service('one'));
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(join(sub, 'two.yaml'), service('two'));
    expect(loadManifestFiles([sub, file, file]).map((o) => o.metadata.name)).toEqual(['two', 'one']);
  });

  it('names the file in errors', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, `${service('ok')}---\napiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {}\n`);
    expect(errorOf(() => loadManifestFiles([file])).message).toBe(`${file} document 2 (Trigger): metadata.name is required`);
    const missing = join(dir, 'missing.yaml');
    expect(errorOf(() => loadManifestFiles([missing])).message).toBe(`${missing}: no such file or directory`);
  });

  it('returns nothing for an empty directory', () => {
    expect(loadManifestFiles([dir])).toEqual([]);
  });
});
