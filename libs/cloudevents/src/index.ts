export {
  SPEC_VERSIONS,
  createEvent,
  eventDataJson,
  getAttribute,
  isJsonContentType,
  withExtensions,
  type CloudEvent,
  type CloudEventAttributes,
  type NewEvent,
  type SpecVersion,
} from './event';
export { CloudEventValidationError } from './errors';
export { isAbsoluteUri, isMapping, jsonTypeOf } from './json-value';
export { isValidExtensionName, validateEvent } from './validate';
export {
  httpMode,
  parseHttp,
  toHttpBatch,
  toHttpBinary,
  toHttpStructured,
  type HttpHeaders,
  type HttpMessage,
  type HttpMode,
} from './http';
export { kafkaHeaderAttributes, parseKafka, toKafkaBinary, toKafkaStructured, type KafkaRecordIn, type KafkaRecordOut } from './kafka';
export { MAX_JSON_DATA_DEPTH } from './json-format';
export { STRUCTURED_CONTENT_TYPE, BATCH_CONTENT_TYPE } from './media-type';
export { eventJson, formatEvent } from './event-format';
