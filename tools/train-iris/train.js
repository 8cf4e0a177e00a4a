#!/usr/bin/env node
// Trains the iris classifier the model-server serves and writes models/iris/model.json.
//
// The model is what scikit-learn's `LogisticRegression()` fits with its defaults: multinomial
// (softmax) logistic regression, L2 penalty on the coefficients with C = 1.0, the intercepts not
// penalized, on the raw (unscaled) features, solved with L-BFGS. The objective is
//
//   f(W, b) = 1/2 * ||W||^2 + C * sum_i -log softmax(W x_i + b)[y_i]
//
// Softmax does not change when the same constant is added to every intercept, so the intercepts
// are centred to sum to zero afterwards, as scikit-learn reports them.
//
// Plain Node, no dependencies, deterministic: the same data gives the same file, byte for byte.
//
//   node tools/train-iris/train.js                       # writes models/iris/model.json
//   node tools/train-iris/train.js --out /tmp/model.json --C 0.5
//   node tools/train-iris/train.js --check               # fails if model.json is not what training gives (to 1e-8)
'use strict';

const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.join(__dirname, 'iris.csv');
const DEFAULT_OUT = path.join(ROOT, 'models/iris/model.json');
const FEATURE_NAMES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const FORMAT = 'seldon-eventing/multinomial-logistic-regression';
const FORMAT_VERSION = 1;

/**
 * Reads scikit-learn's iris.csv. Its first line is not a header of column names but
 * `<samples>,<features>,<class name>...`; every other line is the features then the class index.
 */
function loadIris(file) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const [head, ...rows] = lines;
  const fields = head.split(',');
  const samples = Number(fields[0]);
  const features = Number(fields[1]);
  const classNames = fields.slice(2).map((s) => s.trim());
  if (!Number.isInteger(samples) || !Number.isInteger(features) || classNames.length < 2) {
    throw new Error(`${file}: the first line must be '<samples>,<features>,<class names...>', got '${head}'`);
  }
  if (rows.length !== samples) throw new Error(`${file}: the first line announces ${samples} samples, the file has ${rows.length}`);
  const X = [];
  const y = [];
  rows.forEach((line, i) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== features + 1 || cells.some((v) => !Number.isFinite(v))) {
      throw new Error(`${file} line ${i + 2}: expected ${features} numbers and a class index, got '${line}'`);
    }
    const label = cells[features];
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) {
      throw new Error(`${file} line ${i + 2}: class index ${label} is not one of 0..${classNames.length - 1}`);
    }
    X.push(cells.slice(0, features));
    y.push(label);
  });
  return { X, y, classNames, features, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

/**
 * The objective and its gradient at theta = [W row by row (K x F), b (K)].
 */
function objective(theta, X, y, K, F, C) {
  const grad = new Float64Array(theta.length);
  let f = 0;
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < F; j++) {
      const w = theta[k * F + j];
      f += 0.5 * w * w;
      grad[k * F + j] = w;
    }
  }
  const z = new Float64Array(K);
  for (let i = 0; i < X.length; i++) {
    const x = X[i];
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = theta[K * F + k];
      for (let j = 0; j < F; j++) s += theta[k * F + j] * x[j];
      z[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
    const logSum = max + Math.log(sum);
    f += C * (logSum - z[y[i]]);
    for (let k = 0; k < K; k++) {
      const r = C * (Math.exp(z[k] - logSum) - (k === y[i] ? 1 : 0));
      for (let j = 0; j < F; j++) grad[k * F + j] += r * x[j];
      grad[K * F + k] += r;
    }
  }
  return { f, grad };
}

const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a) => Math.sqrt(dot(a, a));

/**
 * L-BFGS with a backtracking (Armijo) line search; the objective is smooth and strictly convex
 * in W, so this converges to the one optimum (up to the intercepts' common shift).
 */
function lbfgs(fn, x0, { memory = 10, maxIter = 10000, gtol = 1e-9 } = {}) {
  let x = Float64Array.from(x0);
  let { f, grad: g } = fn(x);
  const S = [];
  const Y = [];
  let iter = 0;
  for (; iter < maxIter && norm(g) > gtol; iter++) {
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(g);
    const alpha = [];
    for (let i = S.length - 1; i >= 0; i--) {
      const rho = 1 / dot(Y[i], S[i]);
      const a = rho * dot(S[i], q);
      alpha[i] = a;
      for (let j = 0; j < q.length; j++) q[j] -= a * Y[i][j];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[S.length - 1]) / dot(Y[S.length - 1], Y[S.length - 1]) : 1 / Math.max(1, norm(g));
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const rho = 1 / dot(Y[i], S[i]);
      const b = rho * dot(Y[i], q);
      for (let j = 0; j < q.length; j++) q[j] += S[i][j] * (alpha[i] - b);
    }
    let d = q.map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      d = g.map((v) => -v / Math.max(1, norm(g)));
      slope = dot(g, d);
    }
    let step = 1;
    let next;
    let xNext;
    for (let tries = 0; ; tries++) {
      xNext = x.map((v, j) => v + step * d[j]);
      next = fn(xNext);
      // The tolerance of a few ulps of f keeps the search moving once decreases are down at the
      // rounding noise of the sum; the gradient, not f, then tells when to stop.
      if (next.f <= f + 1e-4 * step * slope + 8 * Number.EPSILON * Math.abs(f)) break;
      if (tries > 60) throw new Error(`line search failed at iteration ${iter}`);
      step *= 0.5;
    }
    const s = xNext.map((v, j) => v - x[j]);
    const yv = next.grad.map((v, j) => v - g[j]);
    if (dot(s, yv) > 1e-12) {
      S.push(s);
      Y.push(yv);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    x = xNext;
    f = next.f;
    g = next.grad;
  }
  return { x, f, gradNorm: norm(g), iterations: iter };
}

function train({ X, y, classNames, features }, C) {
  const K = classNames.length;
  const F = features;
  const { x, f, gradNorm, iterations } = lbfgs((theta) => objective(theta, X, y, K, F, C), new Float64Array(K * F + K));
  const coefficients = [];
  for (let k = 0; k < K; k++) coefficients.push(Array.from(x.slice(k * F, (k + 1) * F)));
  const raw = Array.from(x.slice(K * F));
  const mean = raw.reduce((a, v) => a + v, 0) / K;
  const intercepts = raw.map((v) => v - mean);
  return { coefficients, intercepts, objective: f, gradNorm, iterations };
}

function predictProba(model, row) {
  const z = model.intercepts.map((b, k) => b + model.coefficients[k].reduce((s, w, j) => s + w * row[j], 0));
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}

// Enough digits to round-trip a double, fewer bytes than the default when it is shorter.
const round = (v) => Number(v.toPrecision(17));

/**
 * What differs between the model file and a fresh fit, or undefined. Parameters are compared to
 * 1e-8: the last digits of a long floating-point optimisation may differ between Node versions.
 */
function differences(file, model) {
  if (!existsSync(file)) return 'it does not exist';
  let current;
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return `it is not JSON: ${err.message}`;
  }
  for (const key of ['format', 'version', 'featureNames', 'classNames']) {
    if (JSON.stringify(current[key]) !== JSON.stringify(model[key])) return `${key} differs`;
  }
  const flat = (m) => [...(m.coefficients || []).flat(), ...(m.intercepts || [])];
  const a = flat(current);
  const b = flat(model);
  if (a.length !== b.length) return 'the parameter count differs';
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  return worst <= 1e-8 ? undefined : `parameters differ by up to ${worst.toExponential(2)}`;
}

function main(argv) {
  const args = { out: DEFAULT_OUT, C: 1, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') args.out = path.resolve(argv[++i]);
    else if (a === '--C') args.C = Number(argv[++i]);
    else if (a === '--check') args.check = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node tools/train-iris/train.js [--out <model.json>] [--C <inverse L2 strength>] [--check]');
      return 0;
    } else throw new Error(`unknown argument '${a}'`);
  }
  if (!(args.C > 0)) throw new Error('--C must be a positive number');

  const data = loadIris(DATA);
  const fit = train(data, args.C);
  const model = {
    format: FORMAT,
    version: FORMAT_VERSION,
    featureNames: FEATURE_NAMES,
    classNames: data.classNames,
    coefficients: fit.coefficients.map((row) => row.map(round)),
    intercepts: fit.intercepts.map(round),
  };
  const correct = data.X.filter((row, i) => {
    const p = predictProba(model, row);
    return p.indexOf(Math.max(...p)) === data.y[i];
  }).length;
  model.training = {
    dataset: 'tools/train-iris/iris.csv (scikit-learn sklearn/datasets/data/iris.csv, Fisher 1936)',
    datasetSha256: data.sha256,
    samples: data.X.length,
    estimator: 'multinomial logistic regression, like sklearn LogisticRegression() defaults',
    penalty: 'l2',
    C: args.C,
    fitIntercept: true,
    solver: 'lbfgs',
    iterations: fit.iterations,
    objective: round(fit.objective),
    gradientNorm: Number(fit.gradNorm.toExponential(3)),
    trainingAccuracy: correct / data.X.length,
  };
  const text = `${JSON.stringify(model, null, 2)}\n`;
  const probe = predictProba(model, [1, 2, 3, 4]);

  if (args.check) {
    const problem = differences(args.out, model);
    if (problem) {
      console.error(`${path.relative(ROOT, args.out)} is not what training gives (${problem}); run node tools/train-iris/train.js`);
      return 1;
    }
    console.log(`${path.relative(ROOT, args.out)} is up to date`);
    return 0;
  }
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, text);
  console.log(`wrote ${path.relative(ROOT, args.out) || args.out}`);
  console.log(`  ${fit.iterations} L-BFGS iterations, objective ${fit.objective.toFixed(10)}, |gradient| ${fit.gradNorm.toExponential(2)}`);
  console.log(`  training accuracy ${(100 * correct / data.X.length).toFixed(2)}%`);
  console.log(`  predict_proba([[1,2,3,4]]) = [${probe.map((p) => p.toFixed(10)).join(', ')}]`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`train-iris: ${err.message}`);
    process.exitCode = 1;
  }
}

module.exports = { loadIris, train, predictProba, objective, lbfgs };
