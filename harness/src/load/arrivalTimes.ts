import type { Stage } from './LoadPlan.ts';

/** No plan may ask for more arrivals than this: every load loop is bounded in count. */
export const maxArrivals = 5_000_000;

/**
 * When each arrival is due, in milliseconds from the start, for stages that ramp linearly between
 * rates. Arrival n is due when the expected count of arrivals, the integral of the rate, reaches n.
 */
export function arrivalTimes(startRate: number, stages: readonly Stage[]): Float64Array {
  let expected = 0;
  let from = startRate;
  for (const s of stages) {
    expected += ((from + s.rate) / 2) * (s.durationMs / 1000);
    from = s.rate;
  }
  const total = Math.floor(expected + 1e-9);
  if (total > maxArrivals) throw new RangeError(`the plan asks for ${total} arrivals; at most ${maxArrivals} are allowed`);
  const times = new Float64Array(total);
  let n = 0;
  let before = 0;
  let stageStartMs = 0;
  from = startRate;
  for (const s of stages) {
    const seconds = s.durationMs / 1000;
    const inStage = ((from + s.rate) / 2) * seconds;
    // Solve from·t + (rate − from)·t²/(2·seconds) = k for t, in a form stable for ramps up, down and flat.
    const a = seconds > 0 ? (s.rate - from) / (2 * seconds) : 0;
    while (n < total && n < before + inStage + 1e-9) {
      const k = n - before;
      const t = k === 0 ? 0 : (2 * k) / (from + Math.sqrt(Math.max(0, from * from + 4 * a * k)));
      times[n++] = stageStartMs + t * 1000;
    }
    before += inStage;
    stageStartMs += s.durationMs;
    from = s.rate;
  }
  return times;
}
