import { Logger, type FactoryProvider } from '@nestjs/common';
import type { LogisticRegressionModel } from './model/iris-model';
import { loadModel } from './model/model-loader';
import { modelServerSettings } from './model-server.settings';

export const IRIS_MODEL = Symbol('IRIS_MODEL');
/** The name the model answers to in TensorFlow and V2 paths (MODEL_NAME). */
export const MODEL_NAME = Symbol('MODEL_NAME');

export const modelNameProvider: FactoryProvider<string> = { provide: MODEL_NAME, useFactory: () => modelServerSettings.read().modelName };

/**
 * Loads the model once, while the app is created: a bad MODEL_URI stops the server at start-up
 * with the loader's message, never at the first request.
 */
export const irisModelProvider: FactoryProvider<LogisticRegressionModel> = {
  provide: IRIS_MODEL,
  useFactory: () => {
    const uri = modelServerSettings.read().modelUri;
    const { model, file } = loadModel(uri);
    new Logger('Model').debug(`loaded ${file} (from ${uri}): ${model.classCount} classes, features ${model.featureNames.join(', ')}`);
    return model;
  },
};
