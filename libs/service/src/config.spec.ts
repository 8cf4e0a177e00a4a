import { servicePort } from './run-service';
import { portSettings, serviceSettings } from './service.settings';

describe('service configuration', () => {
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
});
