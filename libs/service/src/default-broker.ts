import type { Provider } from '@nestjs/common';
import { transportSettings } from '@seldon-eventing/transport';

/** The broker behind `POST /`: DEFAULT_BROKER, `<namespace>/<name>`. */
export const DEFAULT_BROKER = Symbol('DefaultBroker');

export const defaultBrokerProvider: Provider = { provide: DEFAULT_BROKER, useFactory: () => transportSettings.read().defaultBroker };
