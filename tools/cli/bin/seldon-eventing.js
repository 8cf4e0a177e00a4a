#!/usr/bin/env node
// The `seldon-eventing` command. npm links this file into node_modules/.bin at `npm ci`, before
// anything is built, so it stays plain JavaScript: when the CLI has not been built yet it builds
// it (and the libs it uses) once with `tsc -b`, then runs it. `npm run build` rebuilds it with
// everything else after a change.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const main = path.join(root, 'dist', 'main.js');

if (!existsSync(main)) {
  process.stderr.write('seldon-eventing: not built yet, building it once (tsc -b tools/cli)...\n');
  const tsc = require.resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.app.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('seldon-eventing: the build failed (above); `npm run build` in the checkout shows why\n');
    process.exit(2);
  }
}
require(main);
