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

const outcomes: readonly Outcome[] = ['ok', 'fail', 'unknown', 'dropped'];

/**
 * Counts, per window of the run (runWindows), what became of the arrivals due in it: accepted,
 * refused, open (unknown), dropped, and the accepted ones PostgreSQL then rejected or never stored
 * (broken promises). Feed it every history line, dropped arrivals included, in any order. Each
 * arrival is kept as a few numbers in flat arrays, so a history of millions of arrivals stays small.
 */
export class WindowCounter {
  readonly #windows: RunWindow[];
  readonly #index = new Map<string, number>();
  /** Per arrival: when its first attempt was due; its outcome (index in `outcomes`), the last attempt's unless one was accepted (a 200 is a promise, whatever came after); that attempt's number; the accepted order id. */
  readonly #due: number[] = [];
  readonly #outcome: number[] = [];
  readonly #attempt: number[] = [];
  readonly #orderId: (string | undefined)[] = [];

  constructor(faults: readonly FaultRecord[]) {
    this.#windows = runWindows(faults);
  }

  add(e: Pick<HistoryEntry, 'key' | 'ts' | 'intendedTs' | 'attempt' | 'outcome' | 'orderId'>): void {
    if (this.#windows.length === 0) return;
    const due = e.intendedTs ?? e.ts;
    const outcome = outcomes.indexOf(e.outcome);
    const orderId = e.outcome === 'ok' ? e.orderId : undefined;
    const i = this.#index.get(e.key);
    if (i === undefined) {
      this.#index.set(e.key, this.#due.length);
      this.#due.push(due);
      this.#outcome.push(outcome);
      this.#attempt.push(e.attempt);
      this.#orderId.push(orderId);
      return;
    }
    if (due < this.#due[i]!) this.#due[i] = due;
    if (this.#outcome[i] === 0) return;
    if (e.outcome === 'ok' || e.attempt >= this.#attempt[i]!) {
      this.#outcome[i] = outcome;
      this.#attempt[i] = e.attempt;
      this.#orderId[i] = orderId;
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
    for (let a = 0; a < this.#due.length; a++) {
      const outcome = outcomes[this.#outcome[a]!];
      const orderId = this.#orderId[a];
      const row = status && orderId ? status.get(orderId) : undefined;
      const rejected = status !== null && orderId !== undefined && row === 'rejected';
      const missing = status !== null && orderId !== undefined && row === undefined;
      for (const [i, w] of this.#windows.entries()) {
        if (!inside(w, this.#due[a]!)) continue;
        const c = rows[i]!;
        c.arrivals++;
        if (outcome === 'ok') c.accepted++;
        else if (outcome === 'fail') c.refused++;
        else if (outcome === 'unknown') c.open++;
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
