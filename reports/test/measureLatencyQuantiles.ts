// What the latency quantiles of a 1,000,000-request run cost, and how far they are from the exact
// nearest-rank values: the report's digest (summarizeRun), a time bucket's histogram, and the p99 of
// every answered request, sorted or in LatencyHistogram.
//
//   node harness/bin/withPinnedNode.mjs --expose-gc reports/test/measureLatencyQuantiles.ts [requests]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HistoryEntry, LatencyHistogram, nearestRankQuantile, readNdjson, seededRandom } from '@flux-gate/run-format';
import { summarizeRun } from '../src/summarizeRun.ts';
import { TimeBuckets } from '../src/TimeBuckets.ts';
import { writeSyntheticRun } from './writeSyntheticRun.ts';

const requests = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const relErr = (got: number, exact: number) => `${(((got - exact) / exact) * 100).toFixed(3)}%`;
const qs = [0.5, 0.95, 0.99] as const;

// What one time bucket's latency histogram takes, from 1,000 of them each given 1,000
// log-uniform latencies from 1 µs to 3 s (the digest keeps up to 300), before anything else is allocated.
gc();
const m0 = process.memoryUsage();
const random = seededRandom(2);
const held = Array.from({ length: 1000 }, () => {
  const h = new TimeBuckets(0).at(0).latency;
  for (let i = 0; i < 1000; i++) h.add(Math.exp(random() * 15) / 1000);
  return h;
});
gc();
const m1 = process.memoryUsage();
const kb = (bytes: number) => `${(bytes / held.length / 1024).toFixed(1)} KB`;
console.log(`one time bucket's histogram: rss +${kb(m1.rss - m0.rss)}, heap+external +${kb(m1.heapUsed + m1.external - m0.heapUsed - m0.external)}`);

const dir = await writeSyntheticRun(await mkdtemp(join(tmpdir(), 'latency-quantiles-')), { seed: 1, requests, complete: false });
try {
  let t = performance.now();
  const summary = await summarizeRun(dir);
  let digestMs = performance.now() - t;
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    await summarizeRun(dir);
    digestMs = Math.min(digestMs, performance.now() - t);
  }
  console.log(`summarizeRun of ${requests.toLocaleString('en-US')} requests: ${digestMs.toFixed(0)} ms (best of 3)`);

  const history: HistoryEntry[] = [];
  for await (const e of readNdjson<HistoryEntry>(join(dir, 'history.ndjson'))) history.push(e);
  const exact = Float64Array.from(history.filter((e) => e.status > 0).map((e) => e.latencyMs)).sort();
  const figures = { 0.5: summary.figures.p50Ms, 0.95: summary.figures.p95Ms, 0.99: summary.figures.p99Ms };
  for (const q of qs) console.log(`  p${q * 100}: ${figures[q]} ms, exact ${nearestRankQuantile(exact, q)} ms, error ${relErr(figures[q], nearestRankQuantile(exact, q))}`);

  // Each time bucket's p99 against the exact p99 of the same requests.
  const { widthMs, originMs } = summary.digest.buckets;
  const byBucket = new Map<number, number[]>();
  for (const e of history) {
    if (e.status <= 0) continue;
    const i = Math.floor((e.ts - originMs) / widthMs);
    byBucket.set(i, byBucket.get(i) ?? []).get(i)!.push(e.latencyMs);
  }
  let worst = 0;
  for (const { startMs, bucket } of summary.digest.buckets.list()) {
    const values = byBucket.get(startMs / widthMs);
    if (!values?.length) continue;
    const want = nearestRankQuantile(values.sort((a, b) => a - b), 0.99);
    worst = Math.max(worst, Math.abs(bucket.latency.quantile(0.99)! - want) / want);
  }
  console.log(`  per-bucket p99 (${summary.digest.buckets.list().length} buckets of ${widthMs} ms): worst error ${(worst * 100).toFixed(3)}%`);

  // The p99 of every answered latency: sorted, as the thresholds checker did, against LatencyHistogram; best of 3 each.
  const answered = history.filter((e) => e.status > 0);
  const best = (f: () => number) => {
    let ms = Infinity;
    let p99 = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      p99 = f();
      ms = Math.min(ms, performance.now() - t);
    }
    return `${ms.toFixed(0)} ms, p99 ${p99} ms`;
  };
  console.log(`p99 of ${answered.length.toLocaleString('en-US')} answered latencies, exact ${nearestRankQuantile(exact, 0.99)} ms:`);
  console.log(`  sorted:    ${best(() => nearestRankQuantile(answered.map((e) => e.latencyMs).sort((a, b) => a - b), 0.99))}`);
  console.log(`  histogram: ${best(() => {
    const h = new LatencyHistogram();
    for (const e of answered) h.add(e.latencyMs);
    return h.quantile(0.99)!;
  })}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
