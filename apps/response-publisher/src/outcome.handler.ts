import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { CloudEvent } from '@seldon-eventing/cloudevents';
import { buildResponseEvent, OUTCOME_TYPE, readOutcomeEvent } from '@seldon-eventing/seldon';
import { responsePublisherSettings } from './response-publisher.settings';

/**
 * Turns each prediction outcome into the standardized `seldon.<deployment>.<namespace>.response`
 * event (as Seldon's executor would emit it) and replies with it, which publishes it.
 */
@Controller()
export class OutcomeHandler {
  private readonly specversion = responsePublisherSettings.read().specversion;

  @MessagePattern(OUTCOME_TYPE)
  publish(@Payload() event: CloudEvent): CloudEvent {
    return buildResponseEvent(readOutcomeEvent(event), { specversion: this.specversion });
  }
}
