// What happened to each event of one scenario: when it was sent, accepted and delivered, keyed by
// the id its response carries (the request's seldonpuid). Times are performance.now() ms.
'use strict';
const { performance } = require('node:perf_hooks');

class Tracker {
  constructor() {
    this.events = new Map();
    this.refused = 0;
    this.duplicates = 0;
    this.waiters = new Map();
    this.pendingCount = 0;
    this.drained = undefined;
  }

  sent(id) {
    this.events.set(id, { sentAt: performance.now(), acceptedAt: undefined, arrivedAt: undefined });
  }

  accepted(id) {
    const event = this.events.get(id);
    event.acceptedAt = performance.now();
    if (event.arrivedAt === undefined) this.pendingCount++;
  }

  refusedOne(id) {
    this.events.delete(id);
    this.refused++;
  }

  /** A response reached the sink. Ids this scenario never sent (a late one of another) are ignored. */
  arrived(id, at = performance.now()) {
    const event = this.events.get(id);
    if (!event) return;
    if (event.arrivedAt !== undefined) {
      this.duplicates++;
      return;
    }
    event.arrivedAt = at;
    // The response can overtake the sender's own acknowledgement; it is pending only once accepted.
    if (event.acceptedAt !== undefined && --this.pendingCount === 0 && this.drained) this.drained();
    const waiter = this.waiters.get(id);
    if (waiter) {
      this.waiters.delete(id);
      waiter();
    }
  }

  /** Resolves when the event's response arrives, or after timeoutMs (it is then counted lost). */
  delivery(id, timeoutMs) {
    if (this.events.get(id)?.arrivedAt !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve();
      }, timeoutMs);
      this.waiters.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves once every accepted event has a response, or after timeoutMs. */
  allDelivered(timeoutMs) {
    if (this.pendingCount === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.drained = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

module.exports = { Tracker };
