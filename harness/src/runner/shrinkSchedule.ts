import type { ScheduledFault } from '../experiment/experimentSchema.ts';

/** One re-run of a shrink: the schedule tried and whether it still failed the same way. */
export interface ShrinkTry {
  index: number;
  faults: ScheduledFault[];
  failed: boolean;
  /** What this try tested, e.g. "drop 2 of 4 faults" or "f2 for 1.2 s". */
  step: string;
}

export interface ShrinkResult {
  /** The smallest schedule seen to fail; the original when nothing smaller failed. */
  faults: ScheduledFault[];
  tries: ShrinkTry[];
  /** The tries ran out before the search ended. */
  exhausted: boolean;
}

export interface ShrinkOptions {
  /** At most this many re-runs. */
  tries: number;
  /** A fault is not shortened below this (milliseconds). */
  minForMs: number;
  onTry?: (t: ShrinkTry) => void;
}

class OutOfTries extends Error {}

const split = <T>(xs: T[], n: number): T[][] => {
  const size = Math.ceil(xs.length / n);
  return Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
};
const idOf = (f: ScheduledFault) => String(f.fault.id ?? f.fault.kind);

/**
 * Delta debugging over a failing fault schedule. `stillFails` re-runs the experiment with a
 * schedule and answers whether it failed the same way. First the faults are removed (ddmin:
 * halves, then finer chunks and their complements, starting from no fault at all), then each fault
 * left is halved in length while it still fails. Every schedule is tried at most once, and never
 * more than `tries` in all.
 */
export async function shrinkSchedule(faults: ScheduledFault[], stillFails: (faults: ScheduledFault[]) => Promise<boolean>, opts: ShrinkOptions): Promise<ShrinkResult> {
  const tries: ShrinkTry[] = [];
  const seen = new Map<string, boolean>();
  const test = async (candidate: ScheduledFault[], step: string): Promise<boolean> => {
    const key = JSON.stringify(candidate.map((f) => [idOf(f), f.for]));
    const known = seen.get(key);
    if (known !== undefined) return known;
    if (tries.length >= opts.tries) throw new OutOfTries();
    const failed = await stillFails(candidate);
    const t = { index: tries.length + 1, faults: candidate, failed, step };
    tries.push(t);
    seen.set(key, failed);
    opts.onTry?.(t);
    return failed;
  };

  let current = faults;
  try {
    if (current.length > 0 && (await test([], 'no fault at all'))) return { faults: [], tries, exhausted: false };
    let n = 2;
    while (current.length >= 2) {
      const chunks = split(current, n);
      let reduced = false;
      for (const chunk of chunks) {
        if (await test(chunk, `keep ${chunk.map(idOf).join(', ')} (${chunk.length} of ${current.length})`)) {
          [current, n, reduced] = [chunk, 2, true];
          break;
        }
      }
      if (!reduced && chunks.length > 2) {
        for (const chunk of chunks) {
          const rest = current.filter((f) => !chunk.includes(f));
          if (await test(rest, `drop ${chunk.map(idOf).join(', ')} (${rest.length} of ${current.length} left)`)) {
            [current, n, reduced] = [rest, Math.max(n - 1, 2), true];
            break;
          }
        }
      }
      if (!reduced) {
        if (n >= current.length) break;
        n = Math.min(current.length, n * 2);
      }
    }
    for (let i = 0; i < current.length; i++) {
      for (;;) {
        const f = current[i]!;
        const shorter = Math.max(opts.minForMs, Math.round(f.for / 2 / 100) * 100);
        if (shorter >= f.for) break;
        const candidate = current.map((g, j) => (j === i ? { ...g, for: shorter } : g));
        if (!(await test(candidate, `${idOf(f)} for ${shorter / 1000} s instead of ${f.for / 1000} s`))) break;
        current = candidate;
      }
    }
    return { faults: current, tries, exhausted: false };
  } catch (err) {
    if (err instanceof OutOfTries) return { faults: current, tries, exhausted: true };
    throw err;
  }
}
