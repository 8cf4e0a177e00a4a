/**
 * A manifest (or a Trigger/Broker built by hand) that cannot be used. The message names where the
 * problem is: the file and document when known, the object, and the field, e.g.
 * `config/x.yaml document 2 (Trigger default/foo): spec.subscriber needs ref or uri`.
 */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A Trigger filter that is valid Knative but not implemented here (CESQL). */
export class UnsupportedFilterError extends ManifestError {}

/** A Destination that cannot be turned into a URL (unknown ref, no address, relative URI...). */
export class ResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
