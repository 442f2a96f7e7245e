import { z } from 'zod';
import { type CheckerName, checkerNames } from '../checkers/runCheckers.ts';
import { brokenModes } from '../system/startSystem.ts';
import { durationField } from './duration.ts';

const product = z.strictObject({
  productId: z.string().min(1).max(64),
  stock: z.number().int().min(0),
});

const system = z.strictObject({
  apiInstances: z.number().int().min(1).max(4).default(1),
  workers: z.number().int().min(1).max(4).default(1),
  products: z.array(product).min(1),
  rateLimit: z.strictObject({ perSec: z.number().positive(), burst: z.number().positive() }).default({ perSec: 1_000_000, burst: 1_000_000 }),
  perUserLimit: z.number().int().min(1).default(1),
  /** Deliberately broken modes (for the canary only). */
  brokenModes: z.array(z.enum(brokenModes)).default([]),
  ordersPartitions: z.number().int().min(1).max(64).default(4),
  redisTimeoutMs: z.number().int().positive().optional(),
  kafkaTimeoutMs: z.number().int().positive().optional(),
});

const load = z.strictObject({
  /** k6 script in scenarios/k6/. */
  script: z.string().regex(/^[\w-]+\.js$/, 'a file name in scenarios/k6/, like flash-sale.js'),
  /** Peak arrivals per second (open model). */
  rate: z.number().positive().max(20_000),
  /** Seconds to ramp from 0 to the peak rate. */
  rampUp: durationField.prefault('0s'),
  duration: durationField,
  /** Distinct buyers; a buyer beyond this count reuses an earlier user id. */
  users: z.number().int().positive(),
  /** Retries with the same Idempotency-Key after an unknown outcome or a 503. */
  retries: z.number().int().min(0).max(10).default(0),
  timeout: durationField.prefault('3s'),
  maxVUs: z.number().int().positive().max(5000).default(400),
  /** Rounds, for scenarios that re-arm the sale and run again (last-item). */
  rounds: z.number().int().min(1).max(200).default(1),
});

const when = z.union([
  z.strictObject({ at: durationField }),
  z.strictObject({ soldFraction: z.number().gt(0).max(1) }),
  z.strictObject({ lagAbove: z.number().int().positive() }),
]);

const scheduledFault = z.strictObject({
  when,
  /** How long the fault stays before it is healed. */
  for: durationField,
  /** A fault spec understood by @flux-gate/chaos (kind plus its fields). */
  fault: z.looseObject({ kind: z.string() }),
  /** After healing, call the admin reseed for every product (after Redis lost its data). */
  reseedAfterHeal: z.boolean().default(false),
});

const thresholds = z.strictObject({
  /** Fraction of requests that may end in an error other than a decisive refusal. */
  errorRate: z.number().min(0).max(1).default(0.01),
  p99Ms: z.number().positive().default(1000),
});

/** A checker's name, as experiments list their invariants. */
export const invariantName = z.enum(checkerNames as [CheckerName, ...CheckerName[]]);

/** An experiment: plain data, validated before anything starts. */
export const experimentSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1),
  system,
  load,
  faults: z.array(scheduledFault).default([]),
  drainTimeout: durationField.prefault('60s'),
  invariants: z.array(invariantName).min(1).default(checkerNames),
  /** Tolerated unknown outcomes: a fraction of requests when ≤ 1, a count when > 1. Default: 0 without faults, 5% with. */
  unknownBudget: z.number().min(0).optional(),
  thresholds: thresholds.default({ errorRate: 0.01, p99Ms: 1000 }),
});

export type ExperimentInput = z.input<typeof experimentSchema>;
export type Experiment = z.output<typeof experimentSchema>;
export type ScheduledFault = Experiment['faults'][number];
