import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InvalidModelError, LogisticRegressionModel } from './iris-model';

/**
 * Loads the model from a model URI, as Seldon's prepackaged servers take `modelUri`: a folder
 * holding the artifact (here `model.json`, where SKLEARN_SERVER looks for `model.joblib`), or
 * the artifact file itself. Only local storage: `file://` URIs and plain paths. Seldon fetches
 * gs://, s3://, http(s):// and pvc:// with its storage initializer, which this server does not
 * have, so those are a start-up error rather than a silent fallback.
 */

export const MODEL_FILE = 'model.json';

/** A model URI that cannot be used; the message says which and why. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

function decode(path: string, uri: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new ModelLoadError(`model URI ${JSON.stringify(uri)} has a malformed %-escape`);
  }
}

/**
 * The local path a model URI names:
 * - `file:///abs/path` and `file://localhost/abs/path` are absolute;
 * - `file://models/iris` (the form of Seldon's own examples) and `file:models/iris` are relative;
 * - anything without a scheme is a path;
 * relative paths are resolved against `cwd`. Other schemes are a ModelLoadError.
 */
export function resolveModelUri(uri: string, cwd: string = process.cwd()): string {
  if (typeof uri !== 'string' || uri.trim() === '') throw new ModelLoadError('the model URI is empty');
  const trimmed = uri.trim();
  const scheme = SCHEME.exec(trimmed);
  if (!scheme) return resolve(cwd, trimmed);
  if (scheme[1].toLowerCase() !== 'file') {
    throw new ModelLoadError(
      `model URI ${JSON.stringify(uri)}: scheme '${scheme[1]}:' is not supported; use a file:// URI or a path ` +
        '(remote storage such as gs://, s3://, http(s):// or pvc:// needs Seldon\'s storage initializer to copy the model locally first)',
    );
  }
  let rest = trimmed.slice(scheme[0].length);
  if (rest.includes('?') || rest.includes('#')) throw new ModelLoadError(`model URI ${JSON.stringify(uri)} must not have a query or fragment`);
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    if (rest.toLowerCase().startsWith('localhost/')) rest = rest.slice('localhost'.length);
  }
  if (rest === '') throw new ModelLoadError(`model URI ${JSON.stringify(uri)} names no path`);
  const path = decode(rest, uri);
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/** The artifact file for a path: `<dir>/model.json` for a folder, else the file itself. */
export function modelFile(path: string, uri: string = path): string {
  if (!existsSync(path)) throw new ModelLoadError(`no model at ${JSON.stringify(uri)}: ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    const file = join(path, MODEL_FILE);
    if (!existsSync(file)) throw new ModelLoadError(`no model at ${JSON.stringify(uri)}: the folder ${path} has no ${MODEL_FILE}`);
    return file;
  }
  return path;
}

export interface LoadedModel {
  model: LogisticRegressionModel;
  /** The artifact file read. */
  file: string;
}

export function loadModel(uri: string, cwd: string = process.cwd()): LoadedModel {
  const file = modelFile(resolveModelUri(uri, cwd), uri);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelLoadError(`model ${file} is not readable JSON: ${(err as Error).message}`);
  }
  try {
    return { model: LogisticRegressionModel.fromArtifact(raw), file };
  } catch (err) {
    if (err instanceof InvalidModelError) throw new ModelLoadError(`model ${file} is not a model this server runs: ${err.message}`);
    throw err;
  }
}
