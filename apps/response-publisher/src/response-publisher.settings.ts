import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { portSettings, serviceIdentitySettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { topologySettings } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';

export const responsePublisherSettings = defineSettings('Response publisher', {
  // Seldon Core's executor emits 0.3 unless told otherwise.
  specversion: setting.oneOf('SELDON_RESPONSE_SPECVERSION', ['0.3', '1.0'], { default: '0.3', description: 'specversion of response events: `0.3` (Seldon\'s default) or `1.0`' }),
});

export type ResponsePublisherSettings = SettingsOf<typeof responsePublisherSettings>;

/** Every settings group the response-publisher reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, topologySettings, serviceIdentitySettings, transportSettings, responsePublisherSettings];
