/**
 * The served model, pure: multinomial (softmax) logistic regression over raw features, as
 * tools/train-iris/train.js writes it to models/iris/model.json. No I/O here.
 */

import { isMapping } from '@seldon-eventing/cloudevents';

export const MODEL_FORMAT = 'seldon-eventing/multinomial-logistic-regression';
export const MODEL_FORMAT_VERSION = 1;

/** models/iris/model.json */
export interface LogisticRegressionArtifact {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  featureNames: string[];
  classNames: string[];
  /** One row per class, one column per feature. */
  coefficients: number[][];
  /** One per class. */
  intercepts: number[];
  /** How it was trained; informative only. */
  training?: unknown;
}

/** An artifact that is not a model this server can run. */
export class InvalidModelError extends Error {
  override readonly name = 'InvalidModelError';
}

function numbers(value: unknown, length: number, field: string): number[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new InvalidModelError(`${field} must be a list of ${length} numbers, got ${Array.isArray(value) ? `${value.length} items` : typeof value}`);
  }
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidModelError(`${field}[${i}] must be a finite number, got ${JSON.stringify(v)}`);
  });
  return value as number[];
}

function names(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((n) => typeof n !== 'string' || n === '')) {
    throw new InvalidModelError(`${field} must be a non-empty list of names`);
  }
  return value as string[];
}

export class LogisticRegressionModel {
  private constructor(
    readonly featureNames: readonly string[],
    readonly classNames: readonly string[],
    private readonly coefficients: readonly (readonly number[])[],
    private readonly intercepts: readonly number[],
  ) {}

  /** Validates an artifact (parsed model.json); InvalidModelError names what is wrong. */
  static fromArtifact(raw: unknown): LogisticRegressionModel {
    if (!isMapping(raw)) throw new InvalidModelError('a model must be a JSON object');
    if (raw.format !== MODEL_FORMAT) {
      throw new InvalidModelError(`format must be ${JSON.stringify(MODEL_FORMAT)}, got ${JSON.stringify(raw.format)}`);
    }
    if (raw.version !== MODEL_FORMAT_VERSION) {
      throw new InvalidModelError(`version ${JSON.stringify(raw.version)} is not supported (this server reads version ${MODEL_FORMAT_VERSION})`);
    }
    const featureNames = names(raw.featureNames, 'featureNames');
    const classNames = names(raw.classNames, 'classNames');
    if (classNames.length < 2) throw new InvalidModelError('classNames must name at least 2 classes');
    const F = featureNames.length;
    const K = classNames.length;
    if (!Array.isArray(raw.coefficients) || raw.coefficients.length !== K) {
      throw new InvalidModelError(`coefficients must have one row per class (${K})`);
    }
    const coefficients = raw.coefficients.map((row, k) => numbers(row, F, `coefficients[${k}]`));
    const intercepts = numbers(raw.intercepts, K, 'intercepts');
    return new LogisticRegressionModel(Object.freeze([...featureNames]), Object.freeze([...classNames]), coefficients, intercepts);
  }

  get featureCount(): number {
    return this.featureNames.length;
  }

  get classCount(): number {
    return this.classNames.length;
  }

  /**
   * Seldon's names for the output columns: the Python wrapper calls them `t:0`, `t:1`, ... when
   * the model gives none, as sklearn's predict_proba does not.
   */
  outputNames(): string[] {
    return this.classNames.map((_, k) => `t:${k}`);
  }

  /**
   * Class probabilities for each row (softmax of the class scores), like predict_proba. Plain
   * loops, not map/reduce closures: a ~1 MB request has 7,633 rows, and the closures cost more
   * than the arithmetic. The operations run in the same order as the sums they replace
   * (intercept first, features left to right), so every probability is the same double.
   */
  predictProba(rows: readonly (readonly number[])[]): number[][] {
    const { coefficients, intercepts } = this;
    const F = this.featureCount;
    const K = coefficients.length;
    const probabilities = new Array<number[]>(rows.length);
    const scores = new Array<number>(K);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row.length !== F) throw new RangeError(`row ${i} has ${row.length} features, the model takes ${F}`);
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        const w = coefficients[k];
        let score = intercepts[k];
        for (let j = 0; j < F; j++) score += w[j] * row[j];
        scores[k] = score;
        max = Math.max(max, score);
      }
      const exp = new Array<number>(K);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += exp[k] = Math.exp(scores[k] - max);
      for (let k = 0; k < K; k++) exp[k] /= sum;
      probabilities[i] = exp;
    }
    return probabilities;
  }
}
