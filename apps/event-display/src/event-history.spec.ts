import { createEvent } from '@seldon-eventing/cloudevents';
import { EventHistory } from './event-history';

const event = (id: string) => createEvent({ id, source: 'tests/history', type: 'test.history' });

describe('EventHistory', () => {
  const saved = process.env.EVENT_DISPLAY_HISTORY;
  afterEach(() => {
    if (saved === undefined) delete process.env.EVENT_DISPLAY_HISTORY;
    else process.env.EVENT_DISPLAY_HISTORY = saved;
  });

  it('keeps the most recent EVENT_DISPLAY_HISTORY events, oldest first', () => {
    process.env.EVENT_DISPLAY_HISTORY = '3';
    const history = new EventHistory();
    ['a', 'b', 'c', 'd', 'e'].forEach((id) => history.add(event(id)));
    expect(history.list().map((e) => e.id)).toEqual(['c', 'd', 'e']);
  });

  it('keeps 1000 by default', () => {
    delete process.env.EVENT_DISPLAY_HISTORY;
    const history = new EventHistory();
    for (let i = 0; i < 1001; i++) history.add(event(String(i)));
    expect(history.list()).toHaveLength(1000);
    expect(history.list()[0].id).toBe('1');
  });

  it('forgets everything on clear', () => {
    const history = new EventHistory();
    history.add(event('a'));
    history.clear();
    expect(history.list()).toEqual([]);
  });
});
