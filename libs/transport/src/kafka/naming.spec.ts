import { transportSettings } from '../transport.settings';
import { triggerGroup } from './naming';

describe('Trigger consumer groups', () => {
  it("default to the Knative Kafka Broker's names, so its offsets carry over", () => {
    const prefix = transportSettings.read({}).kafkaConsumerGroupPrefix;
    expect(triggerGroup('default', 'seldon-eventing-sklearn-trigger', prefix)).toBe('knative-trigger-default-seldon-eventing-sklearn-trigger');
  });

  it('take the prefix of KAFKA_CONSUMER_GROUP_PREFIX', () => {
    const prefix = transportSettings.read({ KAFKA_CONSUMER_GROUP_PREFIX: 'seldon-eventing-' }).kafkaConsumerGroupPrefix;
    expect(triggerGroup('default', 'event-display', prefix)).toBe('seldon-eventing-default-event-display');
  });

  it('refuse a prefix Kafka tools would show garbled, naming the variable', () => {
    expect(() => transportSettings.read({ KAFKA_CONSUMER_GROUP_PREFIX: 'my group/' })).toThrow(/KAFKA_CONSUMER_GROUP_PREFIX.*letters, digits/s);
  });
});
