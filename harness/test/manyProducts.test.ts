import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FinalState, HistoryEntry, Results } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { expandProductSet } from '../src/experiment/productSet.ts';
import { runExperiment } from '../src/runner/runExperiment.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const productSet = { count: 20, stock: { min: 5, max: 60 } };

describe('a sale of 20 products with Zipf demand on a real stack', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'flux-runs-'));
  afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

  it('arms the seed\'s products, spreads the orders over 12 partitions and 2 workers, and every checker passes per product', async () => {
    const d = parseDefinition(
      {
        name: 'many-products',
        description: '20 products, Zipf demand',
        system: { apiInstances: 2, workers: 2, ordersPartitions: 12, productSet },
        load: { rate: 200, duration: '4s', users: 800, demand: { zipf: { s: 1.1 } } },
        drainTimeout: '30s',
        thresholds: { errorRate: 0, p99Ms: 3000 },
      },
      'test',
    );
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    const { runDir, results } = await runExperiment(d.experiment, { seed: 21, runsDir, ci: true, signal: new AbortController().signal, repo });
    const read = <T>(file: string) => JSON.parse(readFileSync(join(runDir, file), 'utf8')) as T;
    expect(results.verdict, JSON.stringify(results.checks.filter((c) => c.verdict !== 'pass'))).toBe('pass');

    const expected = expandProductSet({ ...productSet, prefix: 'sku' }, 21);
    const final = read<FinalState>('final-state.json');
    expect(final.products.map((p) => [p.productId, p.initialStock])).toEqual(expected.map((p) => [p.productId, p.stock]));
    expect(read<{ system: { generatedProducts: unknown } }>('experiment.json').system.generatedProducts).toEqual({ ...productSet, prefix: 'sku', seed: 21 });

    // Demand is skewed: the hottest product drew several times the median's arrivals, and sold out.
    const history = readFileSync(join(runDir, 'history.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEntry);
    const arrivals = new Map<string, number>();
    for (const e of history) if (e.attempt === 1) arrivals.set(e.productId, (arrivals.get(e.productId) ?? 0) + 1);
    const sorted = [...arrivals].sort((a, b) => b[1] - a[1]);
    expect(sorted[0]![1]).toBeGreaterThan(3 * sorted[10]![1]);
    expect(final.products.find((p) => p.productId === sorted[0]![0])!.redisStock).toBe(0);

    // Orders keyed by product landed on many of the 12 partitions, and both workers joined one group with a share of them.
    expect(new Set(final.orders.map((o) => o.kafkaPartition)).size).toBeGreaterThan(4);
    for (const worker of ['worker-1', 'worker-2']) {
      const joined = readFileSync(join(runDir, 'logs', `${worker}.log`), 'utf8').split('\n').filter((l) => l.includes('joined consumer group'));
      expect(joined.length, worker).toBeGreaterThan(0);
      expect(joined.at(-1)).toContain('"groupId":"inventory-worker"');
    }
    const checks = read<Results>('results.json').checks;
    for (const c of checks) expect(c.byProduct, c.name).toBeUndefined();
  }, 240_000);
});
