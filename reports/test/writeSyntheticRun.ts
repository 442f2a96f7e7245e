import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CheckResult, type FaultRecord, type FinalState, type HistoryEntry, type Manifest, type Results, type Sample, seededRandom } from '@flux-gate/run-format';

export const evilUserId = '<script>alert(1)</script>';
export const evilExperiment = '<img src=x onerror=alert(2)> flash "sale" & more';

export interface SyntheticRunOptions {
  seed: number;
  requests: number;
  durationS?: number;
  /** Multiplies every latency (2 makes a real regression). */
  latencyScale?: number;
  experiment?: string;
  /** Write results.json (with a failing check and witnesses) and final-state.json; a crashed run has neither. */
  complete?: boolean;
}

const startedAt = Date.UTC(2025, 0, 15, 12, 0, 0);
const products = ['p1', 'p2', 'p3'];
const stockPerProduct = 1000;

/** Standard normal from two uniforms (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Writes a seeded, synthetic run folder: history streamed in chunks (fast for a million lines),
 * three fault windows (one makes answers slow and some unknown, one gives 503s, one stops the
 * worker), samples every 500 ms, logs, and, when complete, results with a failing check whose
 * witness carries an HTML user id.
 */
export async function writeSyntheticRun(dir: string, o: SyntheticRunOptions): Promise<string> {
  const random = seededRandom(o.seed);
  const durationMs = (o.durationS ?? 60) * 1000;
  const scale = o.latencyScale ?? 1;
  const experiment = o.experiment ?? 'flash-sale';
  await mkdir(join(dir, 'logs'), { recursive: true });

  const faults: FaultRecord[] = [
    { id: 'f1', kind: 'kill', target: 'worker', label: 'kill worker', injectedAt: startedAt + durationMs * 0.2, healedAt: startedAt + durationMs * 0.3 },
    { id: 'f2', kind: 'latency', target: 'api-redis', label: 'latency 200ms±50 on api-redis', injectedAt: startedAt + durationMs * 0.5, healedAt: startedAt + durationMs * 0.6 },
    { id: 'f3', kind: 'down', target: 'api-kafka', label: 'down api-kafka', injectedAt: startedAt + durationMs * 0.75, healedAt: startedAt + durationMs * 0.8, error: '<script>alert(3)</script> heal retried' },
  ];
  const during = (f: FaultRecord, ts: number) => ts >= f.injectedAt && ts < (f.healedAt ?? Infinity);
  const [workerDown, slow, kafkaDown] = faults as [FaultRecord, FaultRecord, FaultRecord];

  const stock = new Map(products.map((p) => [p, stockPerProduct]));
  const tickMs = 500;
  const acceptedByTick = new Array<number>(Math.ceil(durationMs / tickMs) + 1).fill(0);
  const accepted: { orderId: string; userId: string; productId: string }[] = [];
  // Make the stock last about 70% of the load, whatever the request count.
  const pAccept = Math.min(0.45, (stockPerProduct * products.length) / (0.7 * o.requests * 0.9));
  const latencies = new Float64Array(o.requests);
  let errors = 0;
  let unknown = 0;
  const fh = await open(join(dir, 'history.ndjson'), 'w');
  let chunk: string[] = [];
  for (let i = 0; i < o.requests; i++) {
    const ts = Math.round(startedAt + (i / o.requests) * durationMs);
    const productId = products[i % products.length]!;
    const userId = i === 7 ? evilUserId : `u${Math.floor(random() * 1e6)}`;
    let latencyMs = scale * 4 * Math.exp(0.5 * normal(random));
    const e: HistoryEntry = { ts, latencyMs: 0, userId, productId, key: `k${i}`, status: 409, outcome: 'fail', attempt: 1 };
    if (during(slow, ts)) latencyMs += scale * (200 + 50 * normal(random));
    const r = random();
    if (during(slow, ts) && r < 0.05) {
      Object.assign(e, { status: 0, outcome: 'unknown', error: 'timeout' });
      latencyMs = 2000;
    } else if (r < 0.15) Object.assign(e, { status: 302, outcome: 'fail', error: 'rate_limited' });
    else if ((stock.get(productId) ?? 0) > 0 && r < 0.15 + pAccept) {
      if (during(kafkaDown, ts)) Object.assign(e, { status: 503, outcome: 'fail', error: 'kafka_unavailable' });
      else {
        stock.set(productId, stock.get(productId)! - 1);
        e.status = 200;
        e.outcome = 'ok';
        e.orderId = `o${i}`;
        accepted.push({ orderId: e.orderId, userId, productId });
        acceptedByTick[Math.floor((ts - startedAt) / tickMs)]!++;
      }
    } else e.error = 'sold_out';
    e.latencyMs = Math.max(0.1, Math.round(latencyMs * 100) / 100);
    latencies[i] = e.latencyMs;
    if (e.status === 0) unknown++;
    if (e.status === 0 || e.status >= 500) errors++;
    chunk.push(JSON.stringify(e));
    if (chunk.length === 20_000) {
      await fh.write(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) await fh.write(chunk.join('\n') + '\n');
  await fh.close();

  // The worker confirms what was accepted a tick earlier, except while it is down; sampling runs 5 s past the load.
  const samples: Sample[] = [];
  let acc = 0;
  let confirmed = 0;
  const initial = stockPerProduct * products.length;
  for (let t = 0; t * tickMs <= durationMs + 5000; t++) {
    const ts = startedAt + t * tickMs;
    acc += acceptedByTick[t] ?? 0;
    if (!during(workerDown, ts)) confirmed = acc - (acceptedByTick[t] ?? 0);
    samples.push({ ts, redisStock: initial - acc, pgConfirmed: confirmed, pgRejected: 0, kafkaLag: acc - confirmed });
  }
  await writeFile(join(dir, 'samples.ndjson'), samples.map((s) => JSON.stringify(s)).join('\n') + '\n');

  const manifest: Manifest = {
    runId: `synthetic-${o.seed}`,
    experiment,
    seed: o.seed,
    startedAt,
    finishedAt: startedAt + durationMs + 5000,
    gitSha: '0123456789abcdef0123456789abcdef01234567',
    gitDirty: true,
    commandLine: ['npm', 'run', 'experiment', experiment],
    toolVersions: { loadEngine: 'builtin (undici 7.30.2)', redis: '7.0.15' },
    host: { platform: 'linux', cpus: 2, node: 'v20' },
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(dir, 'experiment.json'), JSON.stringify({ name: experiment, description: `synthetic <b>run</b> ${o.seed}` }));
  await writeFile(join(dir, 'faults.json'), JSON.stringify(faults));
  await writeFile(
    join(dir, 'load.json'),
    JSON.stringify({ engine: 'builtin', workload: 'http', offered: o.requests, started: o.requests, dropped: 0, retries: 0, cpuMs: 1000, wallMs: durationMs, aborted: false }),
  );
  await writeFile(join(dir, 'logs', 'api-1.log'), '{"msg":"listening"}\n');
  await writeFile(join(dir, 'logs', 'worker<&>.log'), '{"msg":"started"}\n');
  if (o.complete === false) return dir;

  const lost = [...accepted.slice(0, 3), { orderId: 'o-evil', userId: evilUserId, productId: 'p1' }];
  const checks: CheckResult[] = [
    { name: 'no oversell', verdict: 'pass', summary: 'No product sold beyond its stock.', counts: { products: 3, oversold: 0 }, witnesses: [] },
    {
      name: 'no lost orders',
      verdict: 'fail',
      summary: `${lost.length} orders answered 200 are missing from PostgreSQL.`,
      counts: { accepted: accepted.length, missing: lost.length },
      witnesses: lost.map((a, i) => ({
        orderId: a.orderId,
        userId: a.userId,
        productId: a.productId,
        http: '200 accepted',
        kafkaOffset: `0:${100 + i}`,
        dbRow: i === 0 ? '<none>' : `(${a.orderId}, rejected, "<td>")`,
      })),
    },
    { name: 'conservation', verdict: 'unknown', summary: 'Redis did not answer after heal.', counts: { leaked: 0 }, witnesses: [] },
  ];
  latencies.sort();
  const q = (p: number) => latencies[Math.max(0, Math.ceil(p * o.requests) - 1)] ?? 0;
  const results: Results = {
    verdict: 'fail',
    checks,
    figures: {
      requests: o.requests,
      reqPerSec: o.requests / (durationMs / 1000),
      accepted: accepted.length,
      sold: confirmed,
      unknown,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
      errorRate: errors / o.requests,
      drainSeconds: 0.5,
      recovery: faults.map((f) => ({ fault: f.label, seconds: 0.5 })),
    },
  };
  const finalState: FinalState = {
    readAt: startedAt + durationMs + 5000,
    products: products.map((p) => ({ productId: p, initialStock: stockPerProduct, redisStock: stock.get(p)!, dbStock: stock.get(p)!, dbConfirmed: stockPerProduct - stock.get(p)!, dbRejected: 0 })),
    orders: [],
    kafkaMessages: accepted.length,
    kafkaLag: 0,
    drained: true,
  };
  await writeFile(join(dir, 'results.json'), JSON.stringify(results));
  await writeFile(join(dir, 'final-state.json'), JSON.stringify(finalState));
  return dir;
}
