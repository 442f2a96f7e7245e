import type { Run } from '@flux-gate/run-format';

/** The waiting room over time, as its buyers' polls saw it: x in seconds since the run started. */
export interface QueueSeries {
  x: number[];
  /** Tickets handed out and not yet admitted (issued − serving), summed over products. */
  length: number[];
  /** The serving counter: tickets numbered up to it are admitted, summed over products. */
  serving: number[];
  /** Growth of the serving counter per second over the last half second (or the point's slice, when wider); null at the first. */
  admissionsPerSec: (number | null)[];
}

const sliceMs = 100;
/** Admissions per second are taken over at least this long: a poll sees the serving counter only now and then. */
const rateWindowMs = 500;

/**
 * Reads queue.ndjson once: the highest serving counter and tickets issued each poll answer showed,
 * per product and 100 ms slice; both counters only grow, so a slice no answer fell in keeps the
 * last seen. Merged into at most `maxPoints` points. Null when the run has no waiting-room steps.
 */
export async function queueSeries(run: Run, maxPoints = 300): Promise<QueueSeries | null> {
  const seen = new Map<string, Map<number, { serving: number; issued: number }>>();
  let lo = Infinity;
  let hi = -Infinity;
  for await (const e of run.queue()) {
    if (e.step !== 'poll' || e.serving === undefined || e.issued === undefined) continue;
    const i = Math.floor(((e.endTs ?? e.ts) - run.manifest.startedAt) / sliceMs);
    lo = Math.min(lo, i);
    hi = Math.max(hi, i);
    let slices = seen.get(e.productId);
    if (!slices) seen.set(e.productId, (slices = new Map()));
    const s = slices.get(i);
    slices.set(i, { serving: Math.max(s?.serving ?? 0, e.serving), issued: Math.max(s?.issued ?? 0, e.issued) });
  }
  if (seen.size === 0) return null;
  const per = Math.max(1, Math.ceil((hi - lo + 1) / maxPoints));
  const back = Math.max(1, Math.ceil(rateWindowMs / (per * sliceMs)));
  const last = new Map<string, { serving: number; issued: number }>();
  const out: QueueSeries = { x: [], length: [], serving: [], admissionsPerSec: [] };
  for (let start = lo; start <= hi; start += per) {
    for (let i = start; i < start + per && i <= hi; i++) {
      for (const [product, slices] of seen) {
        const s = slices.get(i);
        const before = last.get(product);
        if (s) last.set(product, { serving: Math.max(before?.serving ?? 0, s.serving), issued: Math.max(before?.issued ?? 0, s.issued) });
      }
    }
    let serving = 0;
    let issued = 0;
    for (const v of last.values()) {
      serving += v.serving;
      issued += v.issued;
    }
    const previous = out.serving.length ? out.serving[Math.max(0, out.serving.length - back)]! : undefined;
    const span = Math.min(back, out.serving.length) * per * sliceMs;
    out.x.push(Math.round((start + per) * sliceMs) / 1000);
    out.serving.push(serving);
    out.length.push(Math.max(0, issued - serving));
    out.admissionsPerSec.push(previous === undefined ? null : Math.round(((serving - previous) * 1000) / span));
  }
  return out;
}
