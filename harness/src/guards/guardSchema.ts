import { z } from 'zod';
import { durationField } from '../experiment/duration.ts';

/** How often the guards are evaluated during the load. */
export const guardIntervalMs = 500;

const holdFor = durationField.prefault('0s');

/**
 * An abort guard: a condition on the run as it goes that stops it early. When one holds for `for`
 * at every evaluation, the load stops, every fault heals, and the run drains, snapshots and checks.
 */
export const guardSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('error_rate'),
    /** Trips when more than this share of the answers in the last `window` were errors (no decisive answer, or a 5xx). */
    above: z.number().min(0).lt(1, 'below 1: an error rate is never above 100%'),
    for: holdFor,
    window: durationField.prefault('1s').refine((ms) => ms >= guardIntervalMs, `at least ${guardIntervalMs}ms, how often the guards are evaluated`),
  }),
  z.strictObject({
    kind: z.literal('redis_stock_below'),
    /** Trips when the stock Redis holds, summed over the round's products, is below this. */
    value: z.number().int(),
    for: holdFor,
  }),
  z.strictObject({
    kind: z.literal('kafka_lag_above'),
    /** Trips when the worker's consumer lag on the orders topic is above this. */
    value: z.number().int().min(0),
    for: holdFor,
  }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'kind must be error_rate, redis_stock_below or kafka_lag_above' : undefined) });

export type Guard = z.output<typeof guardSchema>;
