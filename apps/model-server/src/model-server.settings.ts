import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { portSettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { DEFAULT_MODEL_URI } from './config';

export const modelServerSettings = defineSettings('Model server', {
  modelUri: setting.string('MODEL_URI', {
    default: DEFAULT_MODEL_URI,
    defaultText: 'the shipped iris model (`models/iris`)',
    description: 'where the model-server loads its model from: a `file://` URI or a path',
  }),
});

export type ModelServerSettings = SettingsOf<typeof modelServerSettings>;

/** Every settings group the model-server reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, modelServerSettings];
