import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT } from '../config';
import { InvalidModelError, LogisticRegressionModel, MODEL_FORMAT } from './iris-model';

const artifact = JSON.parse(readFileSync(join(APP_ROOT, 'models/iris/model.json'), 'utf8'));
const model = LogisticRegressionModel.fromArtifact(artifact);

/**
 * scikit-learn 1.9.1 on the same iris.csv:
 *   LogisticRegression(max_iter=1000).fit(X, y).predict_proba(rows)          (its default tol=1e-4)
 *   LogisticRegression(max_iter=100000, tol=1e-12).fit(X, y).predict_proba(rows)  (fully converged)
 */
const SKLEARN_DEFAULT: [number[], number[]][] = [
  [[1, 2, 3, 4], [0.0356594266, 0.0061745931, 0.9581659803]],
  [[5.1, 3.5, 1.4, 0.2], [0.9815572024, 0.0184427831, 0.0000000145]],
  [[6.2, 3.4, 5.4, 2.3], [0.0000456045, 0.0384244387, 0.9615299568]],
  [[5.9, 3.0, 4.2, 1.5], [0.0151729108, 0.8988745212, 0.085952568]],
];
const SKLEARN_CONVERGED: [number[], number[]][] = [
  [[1, 2, 3, 4], [0.0359032808, 0.0061778025, 0.9579189167]],
  [[5.1, 3.5, 1.4, 0.2], [0.9815835036, 0.0184164819, 0.0000000145]],
  [[6.2, 3.4, 5.4, 2.3], [0.0000457301, 0.0384118993, 0.9615423707]],
  [[5.9, 3.0, 4.2, 1.5], [0.0151875247, 0.89881893, 0.0859935453]],
];

const argmax = (p: number[]) => p.indexOf(Math.max(...p));

describe('the shipped iris model', () => {
  it('is the trained artifact format, with iris names', () => {
    expect(artifact.format).toBe(MODEL_FORMAT);
    expect(model.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(model.featureNames).toEqual(['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']);
    expect(model.outputNames()).toEqual(['t:0', 't:1', 't:2']);
  });

  it('puts the seed row [1,2,3,4] in class t:2, with probabilities summing to 1', () => {
    const [p] = model.predictProba([[1, 2, 3, 4]]);
    expect(p).toHaveLength(3);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(argmax(p)).toBe(2);
  });

  it.each(SKLEARN_DEFAULT)('matches sklearn LogisticRegression(max_iter=1000) on %j within 1e-3', (row, expected) => {
    const [p] = model.predictProba([row]);
    p.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-3));
  });

  it.each(SKLEARN_CONVERGED)('matches fully converged sklearn on %j within 1e-5', (row, expected) => {
    const [p] = model.predictProba([row]);
    p.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-5));
  });

  it('classifies the training set as sklearn does (97.33%)', () => {
    const lines = readFileSync(join(APP_ROOT, 'tools/train-iris/iris.csv'), 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(150);
    const rows = lines.map((l) => l.split(',').map(Number));
    const predicted = model.predictProba(rows.map((r) => r.slice(0, 4))).map(argmax);
    const correct = predicted.filter((c, i) => c === rows[i][4]).length;
    expect(correct).toBe(146);
  });

  it('predicts several rows at once, each on its own', () => {
    const rows = SKLEARN_DEFAULT.map(([row]) => row);
    const together = model.predictProba(rows);
    rows.forEach((row, i) => expect(together[i]).toEqual(model.predictProba([row])[0]));
  });

  it('answers the same doubles, digit for digit, as the sums it has always computed', () => {
    // Pinned from the map/reduce implementation that plain loops replaced: an answer's bytes
    // must not move with a rewrite for speed.
    const rows = [[1, 2, 3, 4], [5.1, 3.5, 1.4, 0.2], [5.12345678901234567890123456789, 3.52345678901234567890123456789, 1.42345678901234567890123456789, 0.22345678901234567890123456789]];
    expect(JSON.stringify(model.predictProba(rows))).toBe(
      '[[0.03590213673283693,0.00617780236286687,0.9579200609042963],[0.9815834948760804,0.018416490625252142,1.4498667372672412e-8],[0.9806649726640977,0.019335010248707075,1.7087195404854877e-8]]',
    );
  });

  it('stays finite for extreme inputs', () => {
    const [p] = model.predictProba([[1e6, -1e6, 1e6, 1e6]]);
    p.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('refuses rows of the wrong width', () => {
    expect(() => model.predictProba([[1, 2, 3]])).toThrow(RangeError);
  });
});

describe('LogisticRegressionModel.fromArtifact', () => {
  const good = { format: MODEL_FORMAT, version: 1, featureNames: ['a', 'b'], classNames: ['x', 'y'], coefficients: [[1, 0], [0, 1]], intercepts: [0, 0] };

  it('runs any valid artifact', () => {
    const m = LogisticRegressionModel.fromArtifact(good);
    const [p] = m.predictProba([[1, 1]]);
    expect(p).toEqual([0.5, 0.5]);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /must be a JSON object/],
    ['another format', { ...good, format: 'sklearn-joblib' }, /format must be/],
    ['another version', { ...good, version: 2 }, /version 2 is not supported/],
    ['no feature names', { ...good, featureNames: [] }, /featureNames must be a non-empty list/],
    ['one class', { ...good, classNames: ['x'], coefficients: [[1, 0]], intercepts: [0] }, /at least 2 classes/],
    ['a missing coefficient row', { ...good, coefficients: [[1, 0]] }, /one row per class \(2\)/],
    ['a short coefficient row', { ...good, coefficients: [[1], [0, 1]] }, /coefficients\[0\] must be a list of 2 numbers/],
    ['a string coefficient', { ...good, coefficients: [[1, '0'], [0, 1]] }, /coefficients\[0\]\[1\] must be a finite number/],
    ['a null intercept', { ...good, intercepts: [0, null] }, /intercepts\[1\] must be a finite number/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => LogisticRegressionModel.fromArtifact(raw)).toThrow(InvalidModelError);
    expect(() => LogisticRegressionModel.fromArtifact(raw)).toThrow(message);
  });
});
