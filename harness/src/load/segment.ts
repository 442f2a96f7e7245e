/**
 * One process's part of a load plan when the built-in engine runs it as `count` processes: arrival n
 * of the seeded schedule belongs to segment n mod count. Every arrival keeps its number, so its buyer,
 * key, due time, retry jitter and API instance are the same whatever the count.
 */
export interface Segment {
  index: number;
  count: number;
}

/** This segment's share of `total` (a cap, a connection count): the first `total mod count` segments get one more. */
export const shareOf = (total: number, s: Segment): number => Math.floor(total / s.count) + (s.index < total % s.count ? 1 : 0);

/** The due times of this segment's arrivals, in order: its k-th is arrival `arrivalOf(k, s)` of the whole schedule. */
export const segmentTimes = (times: Float64Array, s: Segment): Float64Array => (s.count === 1 ? times : times.filter((_, n) => n % s.count === s.index));

/** The number, in the whole schedule, of this segment's k-th arrival. */
export const arrivalOf = (k: number, s: Segment): number => k * s.count + s.index;

/**
 * Why a load cannot be split into `processes` segments, or undefined when it can. k6 runs as one
 * process. A Kafka-side load with poison records reuses an earlier record's order id, and the worker
 * tells the copy from the original only when the original comes first in their partition: one
 * producer keeps that order, several do not.
 */
export function whyNotSplit(load: { engine: string; workload: string; poisonEvery?: number }, processes: number): string | undefined {
  if (processes <= 1) return undefined;
  if (load.engine !== 'builtin') return `${processes} processes need the built-in engine; ${load.engine} runs as one`;
  if (load.workload === 'kafka' && (load.poisonEvery ?? 0) > 0) {
    return `${processes} processes cannot produce poison records (poisonEvery): a reused order id must follow its original in the partition, which only one producer keeps`;
  }
  return undefined;
}
