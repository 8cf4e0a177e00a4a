import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { eventingSettings, portSettings, serviceIdentitySettings, serviceSettings } from '@seldon-eventing/service';
import { transportSettings } from '@seldon-eventing/transport';

export const kafkaDispatcherSettings = defineSettings('Kafka dispatcher', {
  // Empty is a value here: no service consumes its own Triggers, the dispatcher delivers them all.
  selfConsumingServices: setting.list('KAFKA_SELF_CONSUMING_SERVICES', {
    default: ['response-publisher', 'event-display'],
    keepEmpty: true,
    description: 'Services that consume their own Triggers on kafka; the kafka-dispatcher delivers every other non-predictor Trigger over HTTP',
  }),
});

export type KafkaDispatcherSettings = SettingsOf<typeof kafkaDispatcherSettings>;

/** Every settings group the kafka-dispatcher reads (the README's settings table is generated from these). */
export const SETTINGS = [serviceSettings, portSettings, eventingSettings, serviceIdentitySettings, transportSettings, kafkaDispatcherSettings];
