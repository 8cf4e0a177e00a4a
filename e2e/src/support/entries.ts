import { randomUUID } from 'node:crypto';
import { post, type Backend, type Flow } from './flow';

/** Where a prediction request comes in: the broker (knative), or the ingress-adapter's CloudEvents or Seldon REST entry. */
export type Entry = 'broker' | 'ingress CloudEvents' | 'ingress REST';

/** A backend's entries: on kafka the broker is Kafka's topic, which clients reach through the ingress-adapter. */
export function entriesOf(backend: Backend): Entry[] {
  return backend === 'knative' ? ['broker', 'ingress CloudEvents', 'ingress REST'] : ['ingress CloudEvents', 'ingress REST'];
}

/**
 * Sends a request body for `target.deployment` through an entry: as a request event at the
 * CloudEvents entries, at the deployment's protocol path (`target.path`) at the REST entry. The
 * response event's id will be `puid`.
 */
export function sendThrough(flow: Flow, entry: Entry, target: { deployment: string; path: string }, puid: string, body: string): ReturnType<typeof post> {
  const ceHeaders = {
    'ce-specversion': '1.0',
    'ce-id': randomUUID(),
    'ce-type': `seldon.${target.deployment}.default.request`,
    'ce-source': 'e2e',
    'ce-seldonpuid': puid,
    'content-type': 'application/json',
  };
  switch (entry) {
    case 'broker':
      return post(`${flow.services.broker.url}/default/default`, ceHeaders, body);
    case 'ingress CloudEvents':
      return post(`${flow.ingress}/default/default`, ceHeaders, body);
    case 'ingress REST':
      return post(`${flow.ingress}/seldon/default/${target.deployment}${target.path}`, { 'content-type': 'application/json', 'seldon-puid': puid }, body);
  }
}
