import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { portSettings, serviceIdentitySettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { topologySettings } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';
import { consoleSettings } from './console/console.settings';

export const eventDisplaySettings = defineSettings('Event display', {
  history: setting.int('EVENT_DISPLAY_HISTORY', { default: 1000, min: 0, description: 'how many of the latest events `GET /events` keeps (and dead letters the console keeps)' }),
});

export type EventDisplaySettings = SettingsOf<typeof eventDisplaySettings>;

/** Every settings group the event-display reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, topologySettings, serviceIdentitySettings, transportSettings, eventDisplaySettings, consoleSettings];
