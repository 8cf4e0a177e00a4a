import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { portSettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { topologySettings } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';

export const predictorRouterSettings = defineSettings('Predictor router', {
  predictorTimeoutMs: setting.int('PREDICTOR_TIMEOUT_MS', {
    default: 30_000,
    min: 1,
    description: 'how long the predictor-router waits for a predictor to answer before reporting the prediction failed',
  }),
});

export type PredictorRouterSettings = SettingsOf<typeof predictorRouterSettings>;

/** Every settings group the predictor-router reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, topologySettings, transportSettings, predictorRouterSettings];
