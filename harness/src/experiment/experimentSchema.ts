import { z } from 'zod';
import { clusterFaultKinds, faultKinds, replicatedFaultKinds } from '@flux-gate/chaos';
import { proxiedLinks, topologyShapes } from '@flux-gate/stack';
import { type CheckerName, checkerNames } from '../checkers/runCheckers.ts';
import { defaultWaitingRoomBudgets as budgets } from '../checkers/waitingRoomBudgets.ts';
import { brokenModes } from '../services/startSystem.ts';
import { type EngineName, engineNames } from '../load/engines.ts';
import { cpuListPattern } from '../load/pinnedTo.ts';
import { maxLoadProcesses } from '../load/builtinEngine.ts';
import { whyNotSplit } from '../load/segment.ts';
import { durationField } from './duration.ts';
import { guardSchema } from '../guards/guardSchema.ts';
import { randomFaultsSchema, type RandomFaultsSpec } from './randomFaultsSchema.ts';
import { productSetSchema } from './productSet.ts';

const product = z.strictObject({
  productId: z.string().min(1).max(64),
  stock: z.number().int().min(0),
});

const system = z.strictObject({
  /** Default 1 on the single topology, 2 on the replicated and cluster ones (behind nginx). */
  apiInstances: z.number().int().min(1).max(4).optional(),
  workers: z.number().int().min(1).max(4).default(1),
  /** The products on sale, listed; or `productSet`, which the run's seed expands into such a list (resolveExperiment). */
  products: z.array(product).min(1).optional(),
  productSet: productSetSchema.optional(),
  /** Written by the runner when the products were drawn: the product set and the seed that drew `products`. */
  generatedProducts: productSetSchema.extend({ seed: z.number().int().min(0) }).optional(),
  rateLimit: z.strictObject({ perSec: z.number().positive(), burst: z.number().positive() }).default({ perSec: 1_000_000, burst: 1_000_000 }),
  perUserLimit: z.number().int().min(1).default(1),
  /** Deliberately broken modes (for the canary only). */
  brokenModes: z.array(z.enum(brokenModes)).default([]),
  ordersPartitions: z.number().int().min(1).max(64).default(4),
  redisTimeoutMs: z.number().int().positive().optional(),
  kafkaTimeoutMs: z.number().int().positive().optional(),
  /** How long an admission token stays good after its ticket was admitted (whole seconds; the API's default 60 s). */
  admissionTokenTtl: durationField.refine((ms) => ms >= 1000 && ms % 1000 === 0, 'whole seconds, at least 1s').optional(),
});

const load = z.strictObject({
  /** The engine that drives the load: the built-in open-model engine, or a k6 the user installed. */
  engine: z.enum(engineNames as [EngineName, ...EngineName[]]).default('builtin'),
  /**
   * Runs the engine's process on these CPUs only (a `taskset -c` list, e.g. "0"): to starve the engine
   * on purpose, on a core kept busy, and see the run say that the engine fell behind.
   */
  engineCpus: z.string().regex(cpuListPattern, 'a CPU list as taskset -c takes it, e.g. "0" or "0,2-3"').optional(),
  /** Buyers over HTTP, or order events produced straight into the orders topic. */
  workload: z.enum(['http', 'kafka']).default('http'),
  /** Peak arrivals per second (open model). */
  rate: z.number().positive().max(50_000),
  /** Seconds to ramp from 0 to the peak rate. */
  rampUp: durationField.prefault('0s'),
  duration: durationField,
  /** Distinct buyers; a buyer beyond this count reuses an earlier user id. */
  users: z.number().int().positive(),
  /** Retries with the same Idempotency-Key after an unknown outcome or a 503. */
  retries: z.number().int().min(0).max(10).default(0),
  /** Exponential backoff with full jitter between retries: attempt k waits up to min(max, base·2^(k-1)). */
  backoff: z.strictObject({ base: durationField.prefault('200ms'), max: durationField.prefault('2s') }).prefault({}),
  timeout: durationField.prefault('3s'),
  /** Arrivals outstanding at once; an arrival due beyond it is dropped and recorded, and never delays later ones. */
  maxInFlight: z.number().int().positive().max(20_000).default(2000),
  /** Keep-alive connections per API instance (HTTP workload); a request due while all are busy waits for one, and the wait counts in its latency. */
  connections: z.number().int().positive().max(5000).default(256),
  /** Kafka workload: every poisonEvery-th record is a bad one (malformed, missing field, unknown product, reused order id, 1 MiB). */
  poisonEvery: z.number().int().min(2).optional(),
  /** Rounds, for scenarios that re-arm the sale and run again (last-item). */
  rounds: z.number().int().min(1).max(200).default(1),
  /** `follow`: a buyer sent to the waiting room takes its ticket, polls, and orders with its token once admitted; `ignore`: the 302 ends the arrival. */
  waitingRoom: z.enum(['ignore', 'follow']).default('ignore'),
  /** How long a buyer following the waiting room waits for admission before giving up. */
  patience: durationField.prefault('30s'),
  /**
   * A sale that opens on a warm system: browsing (product pages, the waiting-room page) at `rate` per
   * second for `duration` before the first order is due; the engine then opens all its connections.
   * HTTP workload on the built-in engine; faults' `at` counts from the sale's opening.
   */
  presale: z.strictObject({ duration: durationField, rate: z.number().positive().max(5000).default(200) }).optional(),
  /**
   * Processes the built-in engine runs the load in: each sends its segment of the one seeded schedule
   * (arrival n goes to process n mod processes) with its share of `maxInFlight` and `connections`.
   */
  processes: z.number().int().min(1).max(maxLoadProcesses).default(1),
  /** Following the waiting room: spoiled admission tokens of each kind the load sends on purpose (forged, expired, replayed; other-product with two products). */
  spoiledTokens: z.number().int().min(0).max(20).default(2),
  /** How arrivals spread over the products: absent, they take turns; `zipf`, the product of rank r (in an order the seed draws) gets a share ∝ 1/r^s. */
  demand: z.strictObject({ zipf: z.strictObject({ s: z.number().gt(0).max(5) }) }).optional(),
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
export type ScheduledFault = z.output<typeof scheduledFault>;

/**
 * A list of scheduled faults, or generated faults (an object): validated by the form the input has,
 * so that a refusal names the bad field inside it rather than the union.
 */
const faultsField = z.unknown().transform((value, ctx): ScheduledFault[] | RandomFaultsSpec => {
  const parsed = Array.isArray(value) ? z.array(scheduledFault).safeParse(value) : randomFaultsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const thresholds = z.strictObject({
  /** Share of arrivals whose last attempt was unknown or a 5xx (the report's error rate). */
  errorRate: z.number().min(0).max(1).default(0.01),
  /** p99 of answered requests, counted from when each was due. */
  p99Ms: z.number().positive().default(1000),
  /**
   * The load engine's own lateness (sent − due) the run vouches for, as a p99 in ms: above it, the
   * engine fell behind and a crossed p99Ms cannot be laid on the system (thresholds says unknown).
   */
  engineLagP99Ms: z.number().positive().default(5),
  /** Arrivals dropped at the in-flight cap that the run tolerates. */
  dropped: z.number().int().min(0).default(0),
  /** The waiting room's contract, judged when the load follows it. */
  waitingRoom: z
    .strictObject({
      /** Places a ticket may be admitted ahead of an earlier one still waiting (fifo_fairness). */
      fifoTolerance: z.number().int().min(0).default(budgets.fifoTolerance),
      /** From the last unit sold to each waiting buyer told sold out (no_wait_after_sold_out). */
      soldOutNotice: durationField.prefault(`${budgets.soldOutNoticeMs}ms`),
      /** Median error of the first ETA each admitted ticket was shown (eta_accuracy). */
      etaMedianError: durationField.prefault(`${budgets.etaMedianErrorMs}ms`),
    })
    .prefault({}),
});

/** A checker's name, as experiments list their invariants. */
export const invariantName = z.enum(checkerNames as [CheckerName, ...CheckerName[]]);

/** An experiment: plain data, validated before anything starts. */
export const experimentSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1),
  /**
   * `single`: one node per store (fast runs); `replicated`: 3 Kafka nodes, Redis with 2 replicas and 3
   * Sentinels, the API instances behind nginx; `cluster`: as replicated, with a Redis Cluster of 3
   * primaries and 3 replicas instead.
   */
  topology: z.enum(topologyShapes).default('single'),
  system,
  load,
  /** A hand-written schedule, or `{ "random": {...} }`: faults the run's seed draws (resolveExperiment). */
  faults: faultsField.default([]),
  /** Written by the runner when the schedule was drawn: the spec and the seed that drew `faults`. */
  generatedFaults: randomFaultsSchema.extend({ seed: z.number().int().min(0) }).optional(),
  drainTimeout: durationField.prefault('60s'),
  /** Default: every checker meant for the load's workload (defaultInvariants). */
  invariants: z.array(invariantName).min(1).optional(),
  /** Tolerated unknown outcomes: a fraction of requests when ≤ 1, a count when > 1. Default: 0 without faults, 5% with. */
  unknownBudget: z.number().min(0).optional(),
  thresholds: thresholds.prefault({}),
  /** Abort guards: when one trips, the load stops, every fault heals, and the run drains and checks (guardSchema). */
  guards: z.array(guardSchema).default([]),
}).superRefine((e, ctx) => {
  if ((e.system.products === undefined) === (e.system.productSet === undefined))
    ctx.addIssue({ code: 'custom', path: ['system', 'products'], message: 'give either "products" (a list) or "productSet" ({ count, stock: { min, max } }), not both and not neither' });
  if (e.load.demand && e.load.engine !== 'builtin')
    ctx.addIssue({ code: 'custom', path: ['load', 'demand'], message: 'a demand law needs the built-in engine (the k6 script spreads arrivals over the products in turn)' });
  if (e.load.presale && (e.load.engine !== 'builtin' || e.load.workload !== 'http'))
    ctx.addIssue({ code: 'custom', path: ['load', 'presale'], message: 'a pre-sale phase needs the built-in engine and the http workload' });
  const unsplit = whyNotSplit(e.load, e.load.processes);
  if (unsplit) ctx.addIssue({ code: 'custom', path: ['load', 'processes'], message: unsplit });
  if (e.load.processes > e.load.maxInFlight)
    ctx.addIssue({ code: 'custom', path: ['load', 'processes'], message: `${e.load.processes} processes share maxInFlight ${e.load.maxInFlight}: each needs at least one` });
  if (e.load.waitingRoom === 'follow' && (e.load.engine !== 'builtin' || e.load.workload !== 'http'))
    ctx.addIssue({ code: 'custom', path: ['load', 'waitingRoom'], message: '"follow" needs the built-in engine and the http workload' });
  if (!Array.isArray(e.faults)) {
    if (e.topology === 'cluster') {
      ctx.addIssue({ code: 'custom', path: ['faults', 'random'], message: 'random faults are not drawn on the cluster topology yet; write the schedule out' });
      return;
    }
    const allowed: readonly string[] = e.topology === 'replicated' ? replicatedFaultKinds : faultKinds;
    e.faults.random.kinds.forEach((kind, i) => {
      if (!allowed.includes(kind)) ctx.addIssue({ code: 'custom', path: ['faults', 'random', 'kinds', i], message: `"${kind}" is not drawn on the ${e.topology} topology; its kinds are ${allowed.join(', ')}` });
    });
    return;
  }
  e.faults.forEach((f, i) => {
    if (e.topology !== 'cluster' && (clusterFaultKinds as readonly string[]).includes(f.fault.kind)) {
      ctx.addIssue({ code: 'custom', path: ['faults', i, 'fault', 'kind'], message: `"${f.fault.kind}" acts inside a Redis Cluster: it needs "topology": "cluster" (this experiment's is ${e.topology})` });
    }
  });
  if (e.topology === 'single') return;
  const proxied = proxiedLinks[e.topology];
  e.faults.forEach((f, i) => {
    const link = f.fault.link;
    if (typeof link === 'string' && !proxied.includes(link as never)) {
      ctx.addIssue({ code: 'custom', path: ['faults', i, 'fault', 'link'], message: `the ${e.topology} topology proxies only ${proxied.join(', ')} (clients reach Kafka and Redis directly); "${link}" has no proxy` });
    }
  });
}).transform((e) => ({ ...e, system: { ...e.system, apiInstances: e.system.apiInstances ?? (e.topology === 'single' ? 1 : 2) } }));

export type ExperimentInput = z.input<typeof experimentSchema>;
export type Experiment = z.output<typeof experimentSchema>;
