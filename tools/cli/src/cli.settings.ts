import { defineSettings, setting } from '@seldon-eventing/settings';

/**
 * What the CLI reads besides the services' own settings groups (endpoints.ts, kafka-feed.ts): `broker`, `ingress` and the default
 * event-display and Trigger listing addresses come from the same port variables `npm start`
 * reads (portSettings), the default token from INGRESS_AUTH_TOKEN and Kafka's connection from
 * the KAFKA_* settings (transportSettings), so the CLI talks to the services as they were started.
 */
export const cliSettings = defineSettings('CLI', {
  noColor: setting.string('NO_COLOR', { defaultText: 'unset', description: 'any value turns colours off (https://no-color.org)' }),
});
