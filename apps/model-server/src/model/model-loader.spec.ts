import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROOT, DEFAULT_MODEL_URI } from '../config';
import { modelServerSettings } from '../model-server.settings';
import { loadModel, ModelLoadError, resolveModelUri } from './model-loader';

describe('resolveModelUri', () => {
  it.each([
    ['file:///srv/models/iris', '/srv/models/iris'],
    ['file://localhost/srv/models/iris', '/srv/models/iris'],
    ['file:/srv/models/iris', '/srv/models/iris'],
    ['file://models/iris', '/work/app/models/iris'],
    ['file:models/iris', '/work/app/models/iris'],
    ['models/iris', '/work/app/models/iris'],
    ['./models/../models/iris/', '/work/app/models/iris'],
    ['/srv/models/iris', '/srv/models/iris'],
    ['FILE:///srv/my%20models/iris', '/srv/my models/iris'],
  ])('takes %s as %s', (uri, path) => {
    expect(resolveModelUri(uri, '/work/app')).toBe(path);
  });

  it.each([
    ['s3://bucket/iris', /scheme 's3:' is not supported; use a file:\/\/ URI or a path/],
    ['gs://seldon-models/sklearn/iris', /scheme 'gs:' is not supported/],
    ['https://example.com/iris', /scheme 'https:' is not supported/],
    ['pvc://models/iris', /scheme 'pvc:' is not supported/],
    ['', /empty/],
    ['file://', /names no path/],
    ['file:///x?y=1', /query or fragment/],
    ['file:///x%zz', /malformed %-escape/],
  ])('refuses %j', (uri, message) => {
    expect(() => resolveModelUri(uri, '/work/app')).toThrow(ModelLoadError);
    expect(() => resolveModelUri(uri, '/work/app')).toThrow(message);
  });
});

describe('the default model URI', () => {
  it('is the shipped models/iris, found relative to the app', () => {
    expect(DEFAULT_MODEL_URI).toBe(pathToFileURL(join(APP_ROOT, 'models/iris')).href);
    const modelUri = (env: NodeJS.ProcessEnv) => modelServerSettings.read(env).modelUri;
    expect(modelUri({})).toBe(DEFAULT_MODEL_URI);
    expect(modelUri({ MODEL_URI: ' ' })).toBe(DEFAULT_MODEL_URI);
    expect(modelUri({ MODEL_URI: 'file:///srv/m' })).toBe('file:///srv/m');
  });

  it('loads from any working directory', () => {
    const { model, file } = loadModel(DEFAULT_MODEL_URI, '/');
    expect(file).toBe(join(APP_ROOT, 'models/iris/model.json'));
    expect(model.classCount).toBe(3);
  });
});

describe('loadModel', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-loader-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a folder or the model file itself, as a path or a file URI', () => {
    const shipped = join(APP_ROOT, 'models/iris');
    for (const uri of [shipped, `${shipped}/model.json`, pathToFileURL(shipped).href, 'file://models/iris']) {
      expect(loadModel(uri, APP_ROOT).model.featureCount).toBe(4);
    }
  });

  it('says when there is nothing at the URI', () => {
    expect(() => loadModel(join(dir, 'absent'))).toThrow(/no model at ".*absent": .* does not exist/);
  });

  it('says when the folder has no model.json', () => {
    mkdirSync(join(dir, 'empty'));
    expect(() => loadModel(join(dir, 'empty'))).toThrow(/the folder .*empty has no model\.json/);
  });

  it('says when the file is not JSON', () => {
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(() => loadModel(join(dir, 'broken.json'))).toThrow(/is not readable JSON/);
  });

  it('says when the file is not a model it runs', () => {
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ format: 'sklearn-joblib' }));
    expect(() => loadModel(join(dir, 'other.json'))).toThrow(ModelLoadError);
    expect(() => loadModel(join(dir, 'other.json'))).toThrow(/is not a model this server runs: format must be/);
  });
});
