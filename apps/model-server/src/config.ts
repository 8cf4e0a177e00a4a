import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The repository (or image) root: this file is apps/model-server/{src,dist}/config.{ts,js}, so
 * the root is three levels up both when run from source (tests) and built
 * (`node apps/model-server/dist/main.js` from the repo root, or /app in the container).
 */
export const APP_ROOT = resolve(__dirname, '../../..');

/** The shipped iris model, found relative to the app rather than the working directory. */
export const DEFAULT_MODEL_URI = pathToFileURL(join(APP_ROOT, 'models/iris')).href;
