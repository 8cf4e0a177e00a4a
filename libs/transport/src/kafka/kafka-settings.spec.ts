import { Kafka } from 'kafkajs';
import { transportSettings } from '../transport.settings';
import type { Log } from '../log';
import { kafkaConfig, kafkajsErrorLevel } from './kafka-settings';

// kafkajs's own texts for its protocol errors, so that a kafkajs upgrade that rewords them fails here.
const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: { type: string; code: number; message: string }[] };
const messageOf = (type: string) => (errorCodes.find((e) => e.type === type) as { message: string }).message;

describe("kafkajs's lines", () => {
  it.each(['GROUP_COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR_FOR_GROUP', 'GROUP_LOAD_IN_PROGRESS', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'REBALANCE_IN_PROGRESS'])(
    'a request failing with %s while Kafka elects a coordinator or leader is debug, a consumer crashing on it a warning',
    (type) => {
      expect(kafkajsErrorLevel('Response FindCoordinator(key: 10, version: 2)', messageOf(type))).toBe('debug');
      expect(kafkajsErrorLevel(`Crash: KafkaJSProtocolError: ${messageOf(type)}`)).toBe('warn');
    },
  );

  it('a restart of the consumer and a refused connection that kafkajs retries are warnings; anything else stays an error', () => {
    expect(kafkajsErrorLevel('Restarting the consumer in 300ms')).toBe('warn');
    expect(kafkajsErrorLevel('Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe('warn');
    expect(kafkajsErrorLevel('Crash: KafkaJSNonRetriableError: Topic authorization failed')).toBe('error');
    expect(kafkajsErrorLevel('Response Produce(key: 0, version: 7)', messageOf('MESSAGE_TOO_LARGE'))).toBe('error');
  });

  it("routes a real kafkajs client's lines into the service's log: a refused connection is a warning, not an error", async () => {
    const lines: [string, string][] = [];
    const log = (level: string) => (message: string) => lines.push([level, message]);
    const factory = (context: string): Log => {
      expect(context).toBe('kafkajs');
      return { debug: log('debug'), log: log('log'), warn: log('warn'), error: log('error') };
    };
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const config = kafkaConfig('test', transportSettings.read({ EVENTING_TRANSPORT: 'kafka', KAFKA_BROKERS: '127.0.0.1:1' }), factory);
    const admin = new Kafka({ ...config, retry: { retries: 1, initialRetryTime: 10 } }).admin();
    await expect(admin.connect()).rejects.toThrow(/ECONNREFUSED/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toContainEqual(['warn', expect.stringMatching(/^\[Connection\] Connection error: connect ECONNREFUSED 127\.0\.0\.1:1/)]);
    expect(lines.filter(([level]) => level === 'error')).toEqual([]);
  });
});
