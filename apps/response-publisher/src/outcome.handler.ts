import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { CloudEvent, SpecVersion } from '@seldon-eventing/cloudevents';
import { buildResponseEvent, OUTCOME_TYPE, readOutcomeEvent } from '@seldon-eventing/seldon';
import { envString } from '@seldon-eventing/service';

/**
 * Turns each prediction outcome into the standardized `seldon.<deployment>.<namespace>.response`
 * event (as Seldon's executor would emit it) and replies with it, which publishes it.
 */
@Controller()
export class OutcomeHandler {
  private readonly specversion = responseSpecVersion();

  @MessagePattern(OUTCOME_TYPE)
  publish(@Payload() event: CloudEvent): CloudEvent {
    return buildResponseEvent(readOutcomeEvent(event), { specversion: this.specversion });
  }
}

/** SELDON_RESPONSE_SPECVERSION: 0.3 (Seldon's default) or 1.0. */
function responseSpecVersion(): SpecVersion {
  const value = envString('SELDON_RESPONSE_SPECVERSION', '0.3');
  if (value !== '0.3' && value !== '1.0') throw new Error(`SELDON_RESPONSE_SPECVERSION must be 0.3 or 1.0, got '${value}'`);
  return value;
}
