import type { FaultRecord, FinalState, HistoryEntry, Outcome, WindowCounts } from './runFiles.ts';

/** A window of the run, before its arrivals are counted. */
export type RunWindow = Pick<WindowCounts, 'kind' | 'label' | 'faultId' | 'from' | 'to'>;

/**
 * The windows of a run with faults: each fault from inject to heal (to the end when it never
 * healed), and the calm stretches no fault covers: `before` the first inject, `between` faults,
 * `after` the last heal. Fault windows may overlap one another; calm ones overlap nothing. No faults,
 * no windows.
 */
export function runWindows(faults: readonly FaultRecord[]): RunWindow[] {
  if (faults.length === 0) return [];
  const sorted = [...faults].sort((a, b) => a.injectedAt - b.injectedAt);
  const calm: RunWindow[] = [{ kind: 'before', label: 'before', from: null, to: sorted[0]!.injectedAt }];
  let coveredUntil = -Infinity;
  for (const f of sorted) {
    if (f.injectedAt > coveredUntil && coveredUntil > -Infinity) calm.push({ kind: 'between', label: 'between', from: coveredUntil, to: f.injectedAt });
    coveredUntil = Math.max(coveredUntil, f.healedAt ?? Infinity);
  }
  if (coveredUntil < Infinity) calm.push({ kind: 'after', label: 'after', from: coveredUntil, to: null });
  const own = sorted.map((f): RunWindow => ({ kind: 'fault', label: f.label, faultId: f.id, from: f.injectedAt, to: f.healedAt ?? null }));
  return [...calm, ...own].sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity) || (a.kind === 'fault' ? 1 : 0) - (b.kind === 'fault' ? 1 : 0));
}

const inside = (w: RunWindow, ts: number) => (w.from === null || ts >= w.from) && (w.to === null || ts < w.to);

/** One arrival as its attempts so far tell it. */
interface Arrival {
  due: number;
  /** The last attempt's outcome, unless an attempt was accepted (a 200 is a promise, whatever came after). */
  outcome: Outcome;
  attempt: number;
  orderId?: string;
}

/**
 * Counts, per window of the run (runWindows), what became of the arrivals due in it: accepted,
 * refused, open (unknown), dropped, and the accepted ones PostgreSQL then rejected or never stored
 * (broken promises). Feed it every history line, dropped arrivals included, in any order.
 */
export class WindowCounter {
  readonly #windows: RunWindow[];
  readonly #arrivals = new Map<string, Arrival>();

  constructor(faults: readonly FaultRecord[]) {
    this.#windows = runWindows(faults);
  }

  add(e: Pick<HistoryEntry, 'key' | 'ts' | 'intendedTs' | 'attempt' | 'outcome' | 'orderId'>): void {
    if (this.#windows.length === 0) return;
    const due = e.intendedTs ?? e.ts;
    const seen = this.#arrivals.get(e.key);
    if (!seen) {
      this.#arrivals.set(e.key, { due, outcome: e.outcome, attempt: e.attempt, ...(e.orderId && e.outcome === 'ok' ? { orderId: e.orderId } : {}) });
      return;
    }
    seen.due = Math.min(seen.due, due);
    if (seen.outcome === 'ok') return;
    if (e.outcome === 'ok' || e.attempt >= seen.attempt) {
      seen.outcome = e.outcome;
      seen.attempt = e.attempt;
      if (e.outcome === 'ok' && e.orderId) seen.orderId = e.orderId;
    }
  }

  /** The counts per window; broken promises only when the final state was read (null otherwise). */
  counts(final: Pick<FinalState, 'orders'> | null): WindowCounts[] {
    const status = final ? new Map(final.orders.map((o) => [o.orderId, o.status])) : null;
    const rows = this.#windows.map(
      (w): WindowCounts => ({
        ...w,
        arrivals: 0,
        accepted: 0,
        refused: 0,
        open: 0,
        dropped: 0,
        brokenPromises: status ? 0 : null,
        acceptedThenRejected: status ? 0 : null,
        acceptedThenMissing: status ? 0 : null,
      }),
    );
    for (const a of this.#arrivals.values()) {
      const row = status && a.outcome === 'ok' && a.orderId ? status.get(a.orderId) : undefined;
      const rejected = status && a.outcome === 'ok' && a.orderId && row === 'rejected';
      const missing = status && a.outcome === 'ok' && a.orderId && row === undefined;
      for (const [i, w] of this.#windows.entries()) {
        if (!inside(w, a.due)) continue;
        const c = rows[i]!;
        c.arrivals++;
        if (a.outcome === 'ok') c.accepted++;
        else if (a.outcome === 'fail') c.refused++;
        else if (a.outcome === 'unknown') c.open++;
        else c.dropped++;
        if (rejected) c.acceptedThenRejected!++;
        if (missing) c.acceptedThenMissing!++;
        if (rejected || missing) c.brokenPromises!++;
      }
    }
    return rows;
  }
}

/** The counts per window of a whole history (see WindowCounter). */
export function windowCounts(history: Iterable<HistoryEntry>, faults: readonly FaultRecord[], final: Pick<FinalState, 'orders'> | null): WindowCounts[] {
  const counter = new WindowCounter(faults);
  for (const e of history) counter.add(e);
  return counter.counts(final);
}
