import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryEntry, QueueEntry } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';
import { groupBy } from '../src/checkers/groupBy.ts';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { runExperiment } from '../src/runner/runExperiment.ts';
import { ndjsonLines } from './support/definitions.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const lines = ndjsonLines;

/**
 * The load following the real waiting room, on the real stack and system: 60 arrivals/s for 2 s at
 * 20 admissions/s, so that tickets queue up; a patience of 1.5 s, so that the later ones give up.
 * The stock outlasts the demand: a sell-out would tell the later tickets sold_out before their
 * patience runs out, and whether it came first would depend on the machine's speed.
 */
describe('the built-in engine following the waiting room (real stack)', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'flux-wr-'));
  afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

  it('takes tickets, polls at the suggested interval, orders with the token, gives up at its patience, keeps arrivals open-model, and spoils tokens of each kind', async () => {
    const d = parseDefinition(
      {
        name: 'tiny-queue',
        description: 'a tiny queued sale',
        system: { products: [{ productId: 'tq', stock: 200 }], rateLimit: { perSec: 20, burst: 2 }, admissionTokenTtl: '2s' },
        load: { rate: 60, duration: '2s', users: 120, waitingRoom: 'follow', patience: '1.5s', spoiledTokens: 2, maxInFlight: 30 },
        drainTimeout: '20s',
      },
      'test',
    );
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    const { runDir, results } = await runExperiment(d.experiment, { seed: 9, runsDir, ci: true, signal: new AbortController().signal, repo });
    const history = lines<HistoryEntry>(join(runDir, 'history.ndjson'));
    const queue = lines<QueueEntry>(join(runDir, 'queue.ndjson'));

    // Every 302 with a ticket became a ticket step of the same arrival (key).
    const shed = history.filter((e) => e.status === 302);
    const tickets = queue.filter((e) => e.step === 'ticket');
    expect(shed.length).toBeGreaterThan(20);
    expect(new Set(tickets.map((t) => t.key))).toEqual(new Set(shed.map((e) => e.key)));
    expect(tickets.every((t) => typeof t.number === 'number' && t.number > 0)).toBe(true);

    const byTicket = groupBy(queue, (e) => e.ticket);
    for (const steps of byTicket.values()) {
      const issued = steps.find((s) => s.step === 'ticket')!;
      const polls = steps.filter((s) => s.step === 'poll').sort((a, b) => a.ts - b.ts);
      expect(polls.length).toBeGreaterThan(0);
      // Each poll waits the interval the previous answer suggested (timers may fire a fraction early).
      for (let i = 1; i < polls.length; i++) {
        const before = polls[i - 1]!;
        if (before.state === 'waiting') expect(polls[i]!.ts).toBeGreaterThanOrEqual(before.endTs! + before.pollMs! - 1);
      }
      // No poll is sent after the patience has run out.
      for (const p of polls) expect(p.ts - issued.ts).toBeLessThanOrEqual(1500 + 1);
      const last = steps.at(-1)!;
      const gaveUp = steps.find((s) => s.step === 'gave_up');
      if (gaveUp) {
        expect(gaveUp.error).toBe('patience');
        expect(gaveUp.ts - issued.ts).toBeGreaterThanOrEqual(1499);
        expect(gaveUp.ts - issued.ts).toBeLessThan(1500 + 1100);
        expect(polls.every((p) => p.state === 'waiting' || p.status !== 200)).toBe(true);
      } else expect(last.step === 'poll' && (last.state === 'admitted' || last.state === 'sold_out')).toBe(true);
    }
    expect(queue.some((e) => e.step === 'gave_up')).toBe(true);

    // A buyer between polls is not in flight: more waited at once than the in-flight cap, arrivals due
    // while they waited were sent, and every arrival dropped at the cap met it full of requests truly
    // open (orders and polls, to a few for the clocks' grain). A busy machine may drop arrivals at a
    // cap that 30 slow requests fill; were waiters counted, arrivals would be dropped with few open.
    const spans = [...byTicket.values()].map((steps) => [steps[0]!.ts, Math.max(...steps.map((s) => s.endTs ?? s.ts))] as const);
    const waitingAt = (t: number) => spans.filter(([from, to]) => from <= t && t < to).length;
    expect(Math.max(...spans.map(([from]) => waitingAt(from)))).toBeGreaterThan(30);
    const openAt = (t: number) =>
      history.filter((e) => e.outcome !== 'dropped' && e.ts <= t && t < (e.intendedTs ?? e.ts) + e.latencyMs).length +
      queue.filter((e) => e.step === 'poll' && e.ts <= t && t < (e.endTs ?? e.ts)).length;
    const sentWhileOverCap = history.filter((e) => e.attempt === 1 && e.outcome !== 'dropped' && waitingAt(e.ts) > 30).length;
    expect(sentWhileOverCap).toBeGreaterThan(5);
    const load = JSON.parse(readFileSync(join(runDir, 'load.json'), 'utf8')) as { offered: number; dropped: number };
    expect(load.offered).toBe(120);
    const dropped = history.filter((e) => e.outcome === 'dropped');
    expect(dropped).toHaveLength(load.dropped);
    for (const d of dropped) expect(openAt(d.ts)).toBeGreaterThanOrEqual(30 - 3);

    // An admitted ticket's buyer orders with its token: same user, key and body, the next attempt.
    const admitted = [...byTicket.values()].filter((s) => s.some((e) => e.state === 'admitted'));
    expect(admitted.length).toBeGreaterThan(5);
    for (const steps of admitted) {
      const key = steps[0]!.key;
      const own = history.filter((e) => e.key === key && e.token !== undefined);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.every((e) => e.ticket === steps[0]!.ticket && e.userId === steps[0]!.userId && e.attempt === 2)).toBe(true);
    }
    const withToken = history.filter((e) => e.token === 'admitted');
    expect(withToken.filter((e) => e.status === 200).length).toBeGreaterThan(0);

    // Spoiled tokens: two of each kind (one product: no other_product), each refused by its own code.
    const spoiled = history.filter((e) => e.token !== undefined && e.token !== 'admitted');
    const kinds = groupBy(spoiled, (e) => e.token!);
    expect([...kinds.keys()].sort()).toEqual(['expired', 'forged', 'replayed']);
    for (const [kind, sent] of kinds) {
      expect(sent).toHaveLength(2);
      expect(sent.map((e) => e.error)).toEqual([`token_${kind}`, `token_${kind}`]);
    }
    // Forged and replayed come from buyers of the load's own; expired from the ticket's own buyer, after its expiry.
    expect(kinds.get('forged')!.every((e) => e.userId.endsWith('-forged'))).toBe(true);
    expect(kinds.get('replayed')!.every((e) => e.userId.endsWith('-replayed'))).toBe(true);
    for (const e of kinds.get('expired')!) expect(tickets.some((t) => t.key === e.key && t.userId === e.userId)).toBe(true);

    const verdict = (name: string) => results.checks.find((c) => c.name === name)?.verdict;
    expect(verdict('fifo_fairness')).toBe('pass');
    expect(verdict('admission_tokens')).toBe('pass');
    expect(verdict('no_oversell')).toBe('pass');
    expect(verdict('no_lost_orders')).toBe('pass');
  }, 180_000);
});
