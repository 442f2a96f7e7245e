import { z } from 'zod';

const name = (what: string) => z.string({ error: `must be the ${what} name, a string` }).min(1, `must be a non-empty ${what} name`);
const amount = (unit: string, min = 0) =>
  z.number({ error: `must be a number of ${unit}` }).int(`must be whole ${unit}`).min(min, `must be ≥ ${min}`);
const id = z.string({ error: 'must be a string' }).min(1, 'must be a non-empty string').optional();

const toxicBase = z.object({
  id,
  link: name('Toxiproxy link'),
  /** upstream: client → server; downstream: server → client; both: one toxic each way. */
  direction: z.enum(['upstream', 'downstream', 'both'], { error: 'must be upstream, downstream or both' }).default('downstream'),
  /** Fraction of connections affected. */
  toxicity: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(1, 'must be ≤ 1').default(1),
});

const processFault = <K extends string>(kind: K) => z.object({ id, kind: z.literal(kind), process: name('process') });

const latency = toxicBase.extend({ kind: z.literal('latency'), latencyMs: amount('milliseconds'), jitterMs: amount('milliseconds').default(0) });
/** timeoutMs 0: the connection never closes (black hole until healed). */
const timeout = toxicBase.extend({ kind: z.literal('timeout'), timeoutMs: amount('milliseconds').default(0) });
const bandwidth = toxicBase.extend({ kind: z.literal('bandwidth'), rateKBps: amount('KB/s') });
const resetPeer = toxicBase.extend({ kind: z.literal('reset_peer'), timeoutMs: amount('milliseconds').default(0) });
const slicer = toxicBase
  .extend({
    kind: z.literal('slicer'),
    averageSize: amount('bytes', 1),
    sizeVariation: amount('bytes').default(0),
    delayUs: amount('microseconds').default(0),
  })
  .refine((s) => s.sizeVariation < s.averageSize, { message: 'must be smaller than averageSize', path: ['sizeVariation'] });
const down = z.object({ id, kind: z.literal('down'), link: name('Toxiproxy link') });
const redisRestart = z.object({ id, kind: z.literal('redis-restart'), process: name('process').default('redis') });

export const faultKinds = ['kill', 'pause', 'redis-restart', 'latency', 'timeout', 'down', 'bandwidth', 'reset_peer', 'slicer'] as const;

/**
 * A fault as plain data, discriminated on `kind`. Process faults name a `process`; network faults
 * name a Toxiproxy `link`. Unknown extra keys (e.g. a schedule) are ignored.
 */
export const faultSpecSchema = z.discriminatedUnion(
  'kind',
  [processFault('kill'), processFault('pause'), redisRestart, latency, timeout, down, bandwidth, resetPeer, slicer],
  { error: `must be one of ${faultKinds.join(', ')}` },
);

export type FaultSpec = z.output<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type FaultKind = FaultSpec['kind'];
export type ToxicSpec = Extract<FaultSpec, { kind: 'latency' | 'timeout' | 'bandwidth' | 'reset_peer' | 'slicer' }>;
export type ProcessFaultSpec = Extract<FaultSpec, { kind: 'kill' | 'pause' | 'redis-restart' }>;

/** Validates a fault spec; throws one Error naming every bad field as `field: problem`. */
export function parseFaultSpec(input: unknown): FaultSpec {
  const result = faultSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'kind'}: ${i.message}`);
  throw new Error(`invalid fault spec ${JSON.stringify(input)}: ${problems.join('; ')}`);
}
