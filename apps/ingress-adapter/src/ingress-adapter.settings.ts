import { authSettings, portSettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { topologySettings } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';

/** Every settings group the ingress-adapter reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, topologySettings, authSettings, transportSettings];
