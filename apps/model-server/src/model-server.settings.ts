import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { portSettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { DEFAULT_MODEL_URI } from './config';

export const modelServerSettings = defineSettings('Model server', {
  modelUri: setting.string('MODEL_URI', {
    default: DEFAULT_MODEL_URI,
    defaultText: 'the shipped iris model (`models/iris`)',
    description: 'where the model-server loads its model from: a `file://` URI or a path',
  }),
  modelName: setting.string('MODEL_NAME', {
    default: 'classifier',
    description:
      'the name the model answers to in TensorFlow (`/v1/models/<name>:predict`) and V2 (`/v2/models/<name>/infer`) paths: the graph root\'s `name` of the SeldonDeployments it serves',
  }),
});

export type ModelServerSettings = SettingsOf<typeof modelServerSettings>;

/** Every settings group the model-server reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, modelServerSettings];
