#!/usr/bin/env node
// The hot spots of a .cpuprofile (`npm run bench -- --profile <service>` writes one): self time
// by package or file and by function, and the total time of the project's own functions.
//   node tools/bench/profile-summary.js <file.cpuprofile> [top=25] [--during <function>]
// --during keeps only the samples between the first and the last one whose stack holds that
// function (e.g. `answerDelivery`), which leaves out the service's start (module loading,
// manifests) and its idle end, so that percentages are of the traffic's work alone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../run/services');

/** Where a function lives: an npm package, a file of ours, node's own code, or native code. */
function placeOf(url) {
  if (!url) return '(native, GC)';
  if (url.startsWith('node:')) return url;
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file);
  return pkg ? pkg[1] : path.relative(ROOT, file);
}

/** A function by name and file (inside its package for a dependency's). */
function nameOf({ functionName, url, lineNumber }) {
  const file = url.replace(/^file:\/\//, '');
  const where = !url ? placeOf(url) : file.includes('node_modules/') ? file.slice(file.lastIndexOf('node_modules/') + 13) : url.startsWith('node:') ? url : path.relative(ROOT, file);
  return `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
}

/** A function of the project's own (built) code; not a module's top level, which only runs at start. */
function isOurs({ url, functionName, lineNumber }) {
  return /\/(apps|libs)\/[^/]+\/dist\//.test(url) && !url.includes('node_modules') && !(functionName === '' && lineNumber === 0);
}

/** The range of sample indexes from the first to the last sample with `functionName` on its stack. */
function windowOf(profile, byId, parent, functionName) {
  let first = -1;
  let last = -1;
  for (let i = 0; i < profile.samples.length; i++) {
    for (let n = byId.get(profile.samples[i]); n; n = parent.get(n.id)) {
      if (n.callFrame.functionName === functionName) {
        if (first < 0) first = i;
        last = i;
        break;
      }
    }
  }
  if (first < 0) throw new Error(`no sample has ${functionName} on its stack`);
  return [first, last + 1];
}

function summarize(profile, top, during) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n);
  const self = new Map();
  const inclusive = new Map();
  const deltas = profile.timeDeltas;
  const [from, to] = during ? windowOf(profile, byId, parent, during) : [0, profile.samples.length];
  for (let i = from; i < to; i++) {
    const node = byId.get(profile.samples[i]);
    // Percentages are of the time the process was busy.
    if (node.callFrame.functionName === '(idle)') continue;
    const us = deltas[i] ?? 0;
    self.set(node, (self.get(node) ?? 0) + us);
    const ours = new Set();
    for (let n = node; n; n = parent.get(n.id)) if (isOurs(n.callFrame)) ours.add(nameOf(n.callFrame));
    for (const fn of ours) inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map();
  const places = new Map();
  for (const [node, us] of self) {
    const fn = nameOf(node.callFrame);
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    places.set(placeOf(node.callFrame.url), (places.get(placeOf(node.callFrame.url)) ?? 0) + us);
  }
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  return [`${(total / 1e6).toFixed(1)} s busy`, '', 'self time by package or file:', ...rows(places), '', 'self time by function:', ...rows(functions), '', 'total time (callees included) of our functions:', ...rows(inclusive)].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--during');
  const during = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const [file, top = '25'] = args;
  if (!file || (at >= 0 && !during)) {
    console.error('usage: node tools/bench/profile-summary.js <file.cpuprofile> [top] [--during <function>]');
    process.exit(2);
  }
  try {
    console.log(summarize(JSON.parse(fs.readFileSync(file, 'utf8')), Number(top), during));
  } catch (err) {
    console.error(`profile-summary: ${err.message}`);
    process.exit(1);
  }
}

module.exports = { summarize };
