import { join } from 'node:path';
import { loadEventingRuntime } from './eventing-runtime';
import { expandEnv } from './expand-env';
import { predictorTriggers } from './predictor-triggers';
import { planSubscriptions, servedByService } from './subscriptions';
import { servicePort } from './run-service';
import { portSettings, serviceSettings } from './service.settings';

describe('service configuration', () => {
  it('expands ${VAR} and ${VAR:-default} like a shell, and names a missing variable', () => {
    const env = { EVENT_DISPLAY_PORT: '9999' };
    expect(expandEnv('http://127.0.0.1:${EVENT_DISPLAY_PORT:-8084} ${MODEL_SERVER_PORT:-9000}', env)).toBe('http://127.0.0.1:9999 9000');
    expect(() => expandEnv('${NOPE}', {})).toThrow('${NOPE} is used in configuration but not set');
  });

  it("listens on the service's own port variable, else PORT, else its default", () => {
    const broker = { name: 'broker', defaultPort: 8080, portEnv: 'BROKER_PORT' } as const;
    const port = (env: NodeJS.ProcessEnv) => servicePort(broker, serviceSettings.read(env), portSettings.read(env));
    expect(port({})).toBe(8080);
    expect(port({ PORT: '9000' })).toBe(9000);
    expect(port({ PORT: '9000', BROKER_PORT: '0' })).toBe(0);
    expect(() => port({ BROKER_PORT: 'eighty' })).toThrow("BROKER_PORT must be an integer from 0 to 65535, got 'eighty'");
  });

  it('refuses every malformed shell setting at start, in one message', () => {
    expect(() => serviceSettings.read({ MAX_BODY_BYTES: '10MB', LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' })).toThrow(
      [
        'Every service: 3 settings are wrong:',
        "  - MAX_BODY_BYTES must be an integer of at least 1, got '10MB'",
        "  - LOG_LEVEL must be one of 'fatal', 'error', 'warn', 'log', 'debug' or 'verbose', got 'loud'",
        "  - LOG_FORMAT must be one of 'text' or 'json', got 'xml'",
      ].join('\n'),
    );
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
