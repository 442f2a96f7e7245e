import type { HistoryDigest } from './digestHistory.ts';
import type { QueueSeries } from './queueSeries.ts';
import type { ServerLatency } from './serverLatency.ts';
import { type OutcomeClass, outcomeClasses, type Run, type Sample } from '@flux-gate/run-format';

/** A fault's window in seconds since the run started; `to` is null when it never healed. */
export interface FaultWindow {
  from: number;
  to: number | null;
  label: string;
}

type Series = (number | null)[];

/** Everything the charts of one run draw, x in seconds since the run started, at most ~300 points per series. */
export interface ChartSeries {
  faults: FaultWindow[];
  requests: { x: number[]; perSec: Record<OutcomeClass, number[]> };
  latency: { x: number[]; p50: Series; p95: Series; p99: Series };
  /** The API's own latency per scrape interval, from its /metrics; null for runs without scraped metrics. */
  server: { x: number[]; p50: Series; p99: Series } | null;
  conservation: { x: number[]; redisStock: Series; pgConfirmed: Series; kafkaLag: Series };
  worker: { x: number[]; confirmedPerSec: Series };
  /** The waiting room, when the load followed it. */
  queue: QueueSeries | null;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/** The last sample of each of at most `max` equal time slices. */
function thinSamples(samples: Sample[], max: number): Sample[] {
  if (samples.length <= max) return samples;
  const first = samples[0]!.ts;
  const width = (samples[samples.length - 1]!.ts - first) / max;
  const kept = new Map<number, Sample>();
  for (const s of samples) kept.set(Math.min(max - 1, Math.floor((s.ts - first) / width)), s);
  return [...kept.values()];
}

/** Downsampled series for the charts of one run. */
export function chartSeries(run: Run, digest: HistoryDigest, queue: QueueSeries | null = null, server: ServerLatency | null = null, maxPoints = 300): ChartSeries {
  const origin = run.manifest.startedAt;
  const sec = (ts: number) => Math.round(ts - origin) / 1000;
  const buckets = digest.buckets.list();
  const widthS = digest.buckets.widthMs / 1000;
  const x = buckets.map((b) => round((b.startMs + digest.buckets.widthMs / 2) / 1000)!);
  const perSec = Object.fromEntries(
    outcomeClasses.map((c) => [c, buckets.map((b) => round(b.bucket.counts[c] / widthS)!)]),
  ) as Record<OutcomeClass, number[]>;
  const q = (p: number) => buckets.map((b) => round(b.bucket.latency.quantile(p)));

  const samples = thinSamples(run.samples, maxPoints);
  const sx = samples.map((s) => sec(s.ts));
  const worker: ChartSeries['worker'] = { x: [], confirmedPerSec: [] };
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    worker.x.push(sec(b.ts));
    worker.confirmedPerSec.push(
      a.pgConfirmed === null || b.pgConfirmed === null || b.ts === a.ts
        ? null
        : round((b.pgConfirmed - a.pgConfirmed) / ((b.ts - a.ts) / 1000)),
    );
  }

  return {
    faults: run.faults.map((f) => ({ from: sec(f.injectedAt), to: f.healedAt === undefined ? null : sec(f.healedAt), label: f.label })),
    requests: { x, perSec },
    latency: { x, p50: q(0.5), p95: q(0.95), p99: q(0.99) },
    server: server && server.x.length > 0 ? { x: server.x, p50: server.p50, p99: server.p99 } : null,
    conservation: {
      x: sx,
      redisStock: samples.map((s) => s.redisStock),
      pgConfirmed: samples.map((s) => s.pgConfirmed),
      kafkaLag: samples.map((s) => s.kafkaLag),
    },
    worker,
    queue,
  };
}
