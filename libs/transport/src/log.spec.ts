import { createEvent } from '@seldon-eventing/cloudevents';
import { eventFields } from './log';

describe('eventFields', () => {
  it("gives an event's id and type, the Trigger it is delivered for, and the trace id of its traceparent", () => {
    const event = createEvent({ id: 'e-1', source: '/s', type: 'seldon.iris.default.request', extensions: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect(eventFields(event, 'default/iris')).toEqual({ event_id: 'e-1', event_type: 'seldon.iris.default.request', trigger: 'default/iris', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('leaves out what the line is not about: no Trigger at an ingress, no trace id without a traceparent', () => {
    expect(eventFields(createEvent({ id: 'e-2', source: '/s', type: 't' }))).toEqual({ event_id: 'e-2', event_type: 't' });
  });
});

describe('eventFields trace id', () => {
  // https://www.w3.org/TR/trace-context/#traceparent-header-field-values
  it.each([
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined], // the all-zero trace id is invalid
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', undefined], // upper case is invalid
    ['00-4bf92f3577b34da6-00f067aa0ba902b7-01', undefined], // too short
    ['tp', undefined],
  ])('%p gives %p', (traceparent, traceId) => {
    expect(eventFields(createEvent({ id: 'e', source: '/s', type: 't', extensions: { traceparent } })).trace_id).toBe(traceId);
  });
});
