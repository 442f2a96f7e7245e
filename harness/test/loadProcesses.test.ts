import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryEntry, LoadSummary, QueueEntry } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { checkStoredRun } from '../src/runner/checkStoredRun.ts';
import { runExperiment } from '../src/runner/runExperiment.ts';
import { ndjsonLines } from './support/definitions.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const lines = ndjsonLines;

/** Each arrival's first attempt (not a spoiled-token probe): who, which key and product, and when it was due from the sale's opening. */
function arrivals(history: HistoryEntry[]): string[] {
  const first = Math.min(...history.map((l) => l.intendedTs!));
  return history
    .filter((l) => l.attempt === 1 && !l.token)
    .map((l) => `${l.key} ${l.userId} ${l.productId} ${(l.intendedTs! - first).toFixed(2)}`)
    .sort();
}

/**
 * The same sale with the load in one process and in three, on the real stack and system: pre-sale
 * browsing, two products, buyers shed to the waiting room who follow it (spoiling tokens on purpose),
 * and retries with the same key.
 */
describe('the load in several processes (real stack)', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'flux-segments-'));
  afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

  const sale = (processes: number) => {
    const d = parseDefinition(
      {
        name: `segments-${processes}`,
        description: 'a small queued sale of two products',
        system: { products: [{ productId: 'sa', stock: 60 }, { productId: 'sb', stock: 60 }], rateLimit: { perSec: 40, burst: 4 }, admissionTokenTtl: '2s' },
        load: { rate: 100, rampUp: '500ms', duration: '2s', users: 150, retries: 1, maxInFlight: 60, waitingRoom: 'follow', patience: '3s', spoiledTokens: 2, presale: { duration: '1s', rate: 50 }, processes },
        drainTimeout: '20s',
      },
      'test',
    );
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    return runExperiment(d.experiment, { seed: 11, runsDir, ci: true, signal: new AbortController().signal, repo });
  };

  it('one process and three send the same arrivals for the same seed, and the merged history passes the checkers', { timeout: 360_000 }, async () => {
    const one = await sale(1);
    const three = await sale(3);
    const historyOf = (runDir: string) => lines<HistoryEntry>(join(runDir, 'history.ndjson'));
    const loadOf = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'load.json'), 'utf8')) as LoadSummary;

    expect(arrivals(historyOf(one.runDir))).toHaveLength(225); // 25 over the 0.5 s ramp, then 200
    expect(arrivals(historyOf(three.runDir))).toEqual(arrivals(historyOf(one.runDir)));
    expect(loadOf(three.runDir)).toMatchObject({ offered: 225, processes: 3 });
    expect(loadOf(three.runDir).presale?.connectionsOpened).toBe(loadOf(one.runDir).presale?.connectionsOpened);

    // The buyers of all three processes followed the waiting room, and their steps were merged too.
    const queue = lines<QueueEntry>(join(three.runDir, 'queue.ndjson'));
    expect(queue.filter((q) => q.step === 'ticket').length).toBeGreaterThan(20);
    expect(historyOf(three.runDir).filter((l) => l.token === 'admitted' && l.status === 200).length).toBeGreaterThan(0);

    for (const run of [one, three]) {
      const verdict = (name: string) => run.results.checks.find((c) => c.name === name)?.verdict;
      for (const name of ['no_oversell', 'no_lost_orders', 'one_order_per_key', 'fifo_fairness', 'admission_tokens']) expect(verdict(name), `${run.runDir}: ${name}`).toBe('pass');
    }
    // The stored folder gives the same verdicts when checked again from its files alone.
    const stored = await checkStoredRun(three.runDir);
    expect(stored.checks.map((c) => [c.name, c.verdict])).toEqual(three.results.checks.map((c) => [c.name, c.verdict]));
  });
});
