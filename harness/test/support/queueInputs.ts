import { type HistoryEntry, type QueueEntry, seededRandom } from '@flux-gate/run-format';
import type { CheckInput } from '../../src/checkers/index.ts';
import { clean, request } from './checkInputs.ts';

/** One waiting-room step of ticket #n (ticket "t<n>", buyer "w<n>") on product p1. */
export const step = (n: number, fields: Partial<QueueEntry>): QueueEntry => ({
  step: 'poll',
  ts: 0,
  userId: `w${n}`,
  productId: 'p1',
  key: `key-w${n}`,
  ticket: `t${n}`,
  number: n,
  ...fields,
});
export const ticketAt = (n: number, ts: number) => step(n, { step: 'ticket', ts });
export const poll = (n: number, ts: number, state: QueueEntry['state'], fields: Partial<QueueEntry> = {}) =>
  step(n, { ts, endTs: ts + 5, status: 200, state, ...fields });

/**
 * A queue as a real waiting room would answer it: `tickets` buyers take tickets 0.5 ms apart from
 * t=0, ticket k is admitted at admittedAt(k) (server time), and each buyer polls every 200–400 ms (a
 * seeded draw) until its answer says admitted. Answers take 2–8 ms; the server decides halfway.
 */
export function simulatedQueue(tickets: number, admittedAt: (k: number) => number, seed = 7): QueueEntry[] {
  const random = seededRandom(seed);
  const out: QueueEntry[] = [];
  for (let k = 1; k <= tickets; k++) {
    let ts = k * 0.5;
    out.push(ticketAt(k, ts));
    for (;;) {
      const took = 2 + random() * 6;
      const decided = ts + took / 2;
      const admitted = decided >= admittedAt(k);
      const eta = Math.max(0, admittedAt(k) - decided);
      out.push(poll(k, ts, admitted ? 'admitted' : 'waiting', { endTs: ts + took, ...(admitted ? {} : { etaMs: eta }) }));
      if (admitted) break;
      ts += took + 200 + random() * 200;
    }
  }
  return out;
}

/** The clean run's input with this queue history and these extra requests. */
export function withQueue(queue: QueueEntry[], requests: HistoryEntry[] = []): CheckInput {
  const input = structuredClone(clean());
  input.queue = queue;
  input.history.push(...requests);
  return input;
}

export { request };
