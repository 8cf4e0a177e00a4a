export { BATCH_MAX_SIZE_ANNOTATION, BATCH_MAX_WAIT_MS_ANNOTATION, batchPolicyOf, type BatchPolicy } from './batch-policy';
export { batchableRequest, mergeRequests, splitResponse, type BatchableRequest, type BatchPart } from './merge';
