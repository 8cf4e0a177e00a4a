import { join } from 'node:path';
import { envInt, envList } from './env';
import { loadEventingRuntime } from './eventing-runtime';
import { expandEnv } from './expand-env';
import { predictorTriggers } from './predictor-triggers';
import { planSubscriptions, servedByService } from './subscriptions';

describe('service configuration', () => {
  it('expands ${VAR} and ${VAR:-default} like a shell, and names a missing variable', () => {
    const env = { EVENT_DISPLAY_PORT: '9999' };
    expect(expandEnv('http://127.0.0.1:${EVENT_DISPLAY_PORT:-8084} ${MODEL_SERVER_PORT:-9000}', env)).toBe('http://127.0.0.1:9999 9000');
    expect(() => expandEnv('${NOPE}', {})).toThrow('${NOPE} is used in configuration but not set');
  });

  it('refuses a malformed number instead of falling back silently', () => {
    expect(envInt('PORT', 8080, {})).toBe(8080);
    expect(envInt('PORT', 8080, { PORT: '9000' })).toBe(9000);
    expect(() => envInt('PORT', 8080, { PORT: 'eighty' })).toThrow("PORT must be a non-negative integer, got 'eighty'");
    expect(envList('EVENTING_MANIFESTS', ['config'], { EVENTING_MANIFESTS: 'a.yaml, ,b' })).toEqual(['a.yaml', 'b']);
  });

  it("selects the Triggers whose subscriber is this service's cluster address", () => {
    const select = servedByService('event-display', 'default');
    const trigger = {} as never;
    expect(select(trigger, new URL('http://event-display.default.svc.cluster.local/'))).toBe(true);
    expect(select(trigger, new URL('http://event-display.other.svc.cluster.local/'))).toBe(false);
  });

  it('gives each subscription its resolved subscriber, which kafka dead letters name as knativeerrordest', () => {
    const runtime = loadEventingRuntime({ EVENTING_MANIFESTS: join(__dirname, '../../../config/manifests'), LOCAL_ADDRESSES: '' });
    const [subscription, ...others] = planSubscriptions(runtime, predictorTriggers);
    expect(others).toEqual([]);
    expect(subscription.trigger.name).toBe('seldon-eventing-sklearn-trigger');
    expect(subscription.subscriber?.href).toBe('http://iris-deployment-default.default.svc.cluster.local:8000/api/v1.0/predictions');
  });
});
