import { Module } from '@nestjs/common';
import { EventingModule, type ServiceOptions } from '@seldon-eventing/service';
import { KAFKA_DISPATCHER, Topology, TopologyModule } from '@seldon-eventing/topology';
import { transportSettings } from '@seldon-eventing/transport';
import { HttpDispatchHandler } from './http-dispatch.handler';

/**
 * The kafka backend's dispatcher for Triggers whose subscriber is an ordinary HTTP service (a
 * user's own, or any Knative-style sink): one consumer group per Trigger, HTTP delivery.
 */
@Module({
  imports: [EventingModule.forRoot(), TopologyModule],
  controllers: [HttpDispatchHandler],
})
export class KafkaDispatcherModule {}

export const kafkaDispatcherService: ServiceOptions = {
  name: 'kafka-dispatcher',
  defaultPort: 8085,
  portEnv: 'KAFKA_DISPATCHER_PORT',
  subscribe: (app) => {
    // On knative the broker itself dispatches; a second dispatcher would only mislead.
    if (transportSettings.read().backend !== 'kafka') throw new Error('kafka-dispatcher serves the kafka backend only: set EVENTING_TRANSPORT=kafka');
    return app.get(Topology).triggersOf(KAFKA_DISPATCHER);
  },
};
