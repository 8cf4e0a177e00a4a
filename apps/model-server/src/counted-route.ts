import { Counter } from 'prom-client';
import type { RawRoute } from '@seldon-eventing/service';

/**
 * Prediction calls received, whatever their answer: what tells how many calls the predictors'
 * callers made (the predictor-router's micro-batching merges several events into one call).
 */
const predictionCalls = new Counter({
  name: 'model_server_prediction_calls_total',
  help: 'Prediction calls the model-server received, by protocol',
  labelNames: ['protocol'],
});

/** `route`, counting each request it serves under `protocol`. */
export function countedRoute(protocol: string, route: RawRoute): RawRoute {
  const calls = predictionCalls.labels({ protocol });
  return {
    ...route,
    handle(request, res) {
      calls.inc();
      return route.handle(request, res);
    },
  };
}
