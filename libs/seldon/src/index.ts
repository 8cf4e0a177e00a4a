export {
  REQUEST_SUFFIX,
  RESPONSE_SUFFIX,
  SELDON_TYPE_PREFIX,
  isDns1123Label,
  parseRequestType,
  parseResponseType,
  requestType,
  responseSource,
  responseType,
  type DeploymentName,
} from './names';
export {
  INGRESS_PREFIX,
  SELDON_PREDICTIONS_PATH,
  gatewayTarget,
  isGatewayPath,
  protocolOfPath,
  type GatewayTarget,
  type ProtocolPath,
  SELDON_PREDICTIONS_PATH_V01,
  ingressPath,
  isPredictorPath,
  isSeldonIngressPath,
  parseIngressPath,
  predictorPath,
  seldonIngressDeployment,
  splitIngressPath,
  type IngressPath,
  type SeldonProtocol,
} from './paths';
export {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_ENGINE_PORT,
  SELDON_API_GROUP,
  SELDON_API_VERSIONS,
  SELDON_DEPLOYMENT_KIND,
  SVC_NAME_ANNOTATION,
  computedDeploymentUrl,
  deploymentUrl,
  isSeldonDeployment,
  parseSeldonDeployment,
  predictorServiceName,
  seldonDeploymentAddressable,
  seldonDeploymentResolver,
  type DeploymentUrlOptions,
  type SeldonDeployment,
  type SeldonPredictor,
} from './deployment';
export {
  MICROSERVICE_BAD_DATA,
  MICROSERVICE_INTERNAL_ERROR,
  SELDON_PUID_HEADER,
  SeldonPayloadError,
  parseJsonBody,
  parseSeldonMessage,
  seldonError,
  type SeldonMessage,
  type SeldonStatus,
  type SeldonTensor,
} from './protocol-v1';
export { parseTfPredictRequest, type TfError, type TfPredictRequest } from './protocol-tensorflow';
export {
  parseV2InferenceRequest,
  type V2Datatype,
  type V2Error,
  type V2InferenceRequest,
  type V2InferenceResponse,
  type V2RequestInput,
  type V2ResponseOutput,
} from './protocol-v2';
export { validateRequest } from './protocols';
export {
  DEFAULT_RESPONSE_SPECVERSION,
  PATH_EXTENSION,
  buildResponseEvent,
  isFailedPrediction,
  STATUS_EXTENSION,
  type PredictionOutcome,
  type ResponseEventOptions,
} from './response-event';
export { OUTCOME_SOURCE, OUTCOME_TYPE, outcomeEvent, readOutcomeEvent, type OutcomeEventInit } from './outcome-event';
export { isPredictorTrigger } from './predictor-trigger';
export {
  BATCH_MAX_SIZE_ANNOTATION,
  BATCH_MAX_WAIT_MS_ANNOTATION,
  batchableRequest,
  batchPolicyOf,
  mergeRequests,
  splitResponse,
  type BatchableRequest,
  type BatchPart,
  type BatchPolicy,
} from './batching';
