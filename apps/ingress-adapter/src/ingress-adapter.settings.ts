import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { authSettings, portSettings, serviceIdentitySettings, serviceSettings, tracingSettings } from '@seldon-eventing/service';
import { topologySettings } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';

/** Request/reply: how long a request carrying `Prefer: wait=<seconds>` may hold its connection. */
export const requestReplySettings = defineSettings('Request/reply (ingress-adapter)', {
  maxWaitSeconds: setting.int('REPLY_MAX_WAIT_SECONDS', {
    default: 30,
    min: 1,
    max: 3600,
    description: 'the longest a request with `Prefer: wait=<seconds>` waits for its response event; a longer wait is cut to this',
  }),
});

export type RequestReplySettings = SettingsOf<typeof requestReplySettings>;

/** Every settings group the ingress-adapter reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, tracingSettings, portSettings, topologySettings, serviceIdentitySettings, authSettings, transportSettings, requestReplySettings];
