import { Logger } from '@nestjs/common';
import { parseJsonBody, parseTfPredictRequest, protocolOfPath, type TfError } from '@seldon-eventing/seldon';
import { sendJson, type RawRoute } from '@seldon-eventing/service';
import type { LogisticRegressionModel } from './model/iris-model';
import { predictTensorflow } from './model/tensorflow';
import { sendPrediction } from './send-prediction';

const log = new Logger('TensorFlowPredictions');

const error = (message: string): TfError => ({ error: message });

/**
 * TF Serving's REST predict API, `POST /v1/models/<model>:predict` (and `/v1/models:predict`,
 * which Seldon's executor takes for the graph root). Errors as TF Serving answers them:
 * `{"error": "..."}` with 400 for a request the model cannot take and 404 for another model
 * ("Servable not found for request: Latest(<model>)").
 */
export function tensorflowRoute(model: LogisticRegressionModel, modelName: string): RawRoute {
  return {
    serves: (path) => protocolOfPath(path)?.protocol === 'tensorflow',
    handle(request, res) {
      if (request.method !== 'POST') return sendJson(res, 405, error(`method ${request.method} is not allowed; use POST`), { allow: 'POST' });
      const name = protocolOfPath(request.path)?.model;
      if (name !== undefined && name !== modelName) return sendJson(res, 404, error(`Servable not found for request: Latest(${name})`));
      sendPrediction(res, log, () => predictTensorflow(model, parseTfPredictRequest(parseJsonBody(request.body))));
    },
  };
}
