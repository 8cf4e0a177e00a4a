import { register } from 'prom-client';
import { BufferedCounter } from './buffered-counter';

describe('BufferedCounter', () => {
  it('shows every addition to each series on the next scrape, and keeps the totals across scrapes', async () => {
    const buffered = new BufferedCounter({ name: 'test_buffered_events', help: 'test', labelNames: ['trigger'] });
    const a = buffered.series({ trigger: 'a' });
    const b = buffered.series({ trigger: 'b' });
    a.add();
    a.add(4);
    expect(await register.getSingleMetricAsString('test_buffered_events')).toContain('test_buffered_events{trigger="a"} 5');
    a.add();
    b.add(2);
    const text = await register.getSingleMetricAsString('test_buffered_events');
    expect(text).toContain('test_buffered_events{trigger="a"} 6');
    expect(text).toContain('test_buffered_events{trigger="b"} 2');
    register.removeSingleMetric('test_buffered_events');
  });
});
