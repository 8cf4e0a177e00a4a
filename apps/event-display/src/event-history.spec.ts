import { createEvent } from '@seldon-eventing/cloudevents';
import { EventHistory } from './event-history';

const event = (id: string, type = 'test.history', source = 'tests/history') => createEvent({ id, source, type });

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
    expect(history.query().map((r) => r.event.id)).toEqual(['c', 'd', 'e']);
  });

  it('keeps 1000 by default', () => {
    delete process.env.EVENT_DISPLAY_HISTORY;
    const history = new EventHistory();
    for (let i = 0; i < 1001; i++) history.add(event(String(i)));
    expect(history.query()).toHaveLength(1000);
    expect(history.query()[0].event.id).toBe('1');
  });

  it('forgets everything on clear, and numbers on from where it was', () => {
    const history = new EventHistory(10);
    history.add(event('a'));
    history.clear();
    expect(history.query()).toEqual([]);
    expect(history.add(event('b')).seq).toBe(2);
  });

  describe('query', () => {
    const history = new EventHistory(100);
    history.add(event('1', 'req', 'client'));
    history.add(event('2', 'resp', 'seldon.iris'));
    history.add(event('3', 'req', 'client'));
    history.add(event('4', 'resp', 'seldon.iris'));
    history.add(event('5', 'resp', 'seldon.other'));
    const ids = (query: Parameters<EventHistory['query']>[0]) => history.query(query).map((r) => r.event.id);

    it('numbers events in the order received, from 1', () => {
      expect(history.query().map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('narrows by type, source and id, all of them given', () => {
      expect(ids({ type: 'resp' })).toEqual(['2', '4', '5']);
      expect(ids({ source: 'seldon.iris' })).toEqual(['2', '4']);
      expect(ids({ type: 'resp', source: 'seldon.other' })).toEqual(['5']);
      expect(ids({ id: '3' })).toEqual(['3']);
      expect(ids({ type: 'req', id: '2' })).toEqual([]);
    });

    it('keeps the last `limit` after filtering, oldest first', () => {
      expect(ids({ type: 'resp', limit: 2 })).toEqual(['4', '5']);
      expect(ids({ limit: 0 })).toEqual([]);
      expect(ids({ limit: 50 })).toEqual(['1', '2', '3', '4', '5']);
    });

    it('gives only events after the sequence number `since`, with the other filters', () => {
      expect(ids({ since: 3 })).toEqual(['4', '5']);
      expect(ids({ since: 1, type: 'req' })).toEqual(['3']);
      expect(ids({ since: 1, limit: 1 })).toEqual(['5']);
      expect(ids({ since: 5 })).toEqual([]);
    });
  });

  it('tells subscribers of every event added, until they unsubscribe', () => {
    const history = new EventHistory(10);
    const heard: number[] = [];
    const stop = history.subscribe((r) => heard.push(r.seq));
    history.add(event('a'));
    history.add(event('b'));
    stop();
    history.add(event('c'));
    expect(heard).toEqual([1, 2]);
  });
});
