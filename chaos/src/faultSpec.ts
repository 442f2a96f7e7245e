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

/**
 * A process fault names one process (`process`) or several (`processes`, e.g. the orders leader and
 * one follower: two of three brokers); each a node's name or, on a topology that resolves roles, a
 * role found at inject time.
 */
const processFault = <K extends string>(kind: K) =>
  z
    .object({
      id,
      kind: z.literal(kind),
      process: name('process').optional(),
      processes: z.array(name('process'), { error: 'must be a list of process names' }).min(1, 'must name at least one process').optional(),
    })
    .refine((s) => (s.process === undefined) !== (s.processes === undefined), { message: 'must be the process name, or give processes (a list) instead; not both', path: ['process'] });

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

/** A node: its name, or (once the topology resolves roles) a role such as the orders leader. */
const node = name('node');
const nodes = z.array(node, { error: 'must be a list of node names' }).min(1, 'must name at least one node');
const isolate = z.object({ id, kind: z.literal('isolate'), node });
const split = z.object({ id, kind: z.literal('split'), minority: nodes });
const bridge = z
  .object({ id, kind: z.literal('bridge'), node, side: nodes })
  .refine((s) => !s.side.includes(s.node), { message: 'must not hold the bridge node itself', path: ['side'] });
const netem = z
  .object({
    id,
    kind: z.literal('netem'),
    node,
    delayMs: amount('milliseconds').default(0),
    jitterMs: amount('milliseconds').default(0),
    lossPercent: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(100, 'must be ≤ 100').default(0),
  })
  .refine((s) => s.delayMs > 0 || s.lossPercent > 0, { message: 'must be > 0 when lossPercent is 0 (netem with neither delay nor loss does nothing)', path: ['delayMs'] })
  .refine((s) => s.jitterMs <= s.delayMs, { message: 'must be ≤ delayMs', path: ['jitterMs'] });
/** Loss into `node`; with `from`, only of what those nodes send it (a replication link: a follower's fetches from its leader). */
const loss = z.object({
  id,
  kind: z.literal('loss'),
  node,
  from: nodes.optional(),
  percent: z.number({ error: 'must be a number' }).gt(0, 'must be > 0').max(100, 'must be ≤ 100'),
});
/** `SENTINEL FAILOVER`: the Sentinels promote a replica now; heal waits until they name the new primary. */
const sentinelFailover = z.object({ id, kind: z.literal('sentinel-failover') });

/** `CLUSTER FAILOVER` on the replica of the Redis Cluster shard holding `product`; heal waits until another node is that shard's primary. */
const clusterFailover = z.object({ id, kind: z.literal('cluster-failover'), product: name('product') });
/**
 * Moves the Redis Cluster slot of `product` to the next primary while it sells. One-way: heal
 * finishes a move left half-done, and the slot stays where it went.
 */
const slotMove = z.object({ id, kind: z.literal('slot-move'), product: name('product') });

/** The kinds that act inside a Redis Cluster: only the cluster topology has them. */
export const clusterFaultKinds = ['cluster-failover', 'slot-move'] as const;

/** The kinds generated schedules draw from on today's single-node stack: process faults and Toxiproxy links. */
export const faultKinds = ['kill', 'pause', 'redis-restart', 'latency', 'timeout', 'down', 'bandwidth', 'reset_peer', 'slicer'] as const;
/** Faults between nodes with network namespaces of their own: partitions (iptables), netem, loss. */
export const nodeFaultKinds = ['isolate', 'split', 'bridge', 'netem', 'loss'] as const;
/**
 * The kinds generated schedules draw from on the replicated topology: process faults on nodes
 * found by role, partitions and loss between nodes, and a forced Sentinel failover. netem is left
 * out: the kernel this project runs on has no netem qdisc (CONFIG_NET_SCH_NETEM).
 */
export const replicatedFaultKinds = ['kill', 'pause', 'isolate', 'split', 'bridge', 'loss', 'sentinel-failover'] as const;

/**
 * A fault as plain data, discriminated on `kind`. Process faults name a `process`; network faults
 * name a Toxiproxy `link`; node faults name nodes. Unknown extra keys (e.g. a schedule) are ignored.
 */
export const faultSpecSchema = z.discriminatedUnion(
  'kind',
  [processFault('kill'), processFault('pause'), redisRestart, latency, timeout, down, bandwidth, resetPeer, slicer, isolate, split, bridge, netem, loss, sentinelFailover, clusterFailover, slotMove],
  { error: `must be one of ${[...faultKinds, ...nodeFaultKinds, 'sentinel-failover', ...clusterFaultKinds].join(', ')}` },
);

export type FaultSpec = z.output<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type FaultKind = (typeof faultKinds)[number];
export type NodeFaultKind = (typeof nodeFaultKinds)[number];
export type ReplicatedFaultKind = (typeof replicatedFaultKinds)[number];
export type ClusterFaultSpec = Extract<FaultSpec, { kind: (typeof clusterFaultKinds)[number] }>;
export type ToxicSpec = Extract<FaultSpec, { kind: 'latency' | 'timeout' | 'bandwidth' | 'reset_peer' | 'slicer' }>;
export type ProcessFaultSpec = Extract<FaultSpec, { kind: 'kill' | 'pause' | 'redis-restart' }>;
export type NodeFaultSpec = Extract<FaultSpec, { kind: NodeFaultKind }>;
export type PartitionSpec = Extract<FaultSpec, { kind: 'isolate' | 'split' | 'bridge' }>;
export type NetemSpec = Extract<FaultSpec, { kind: 'netem' }>;

/** Validates a fault spec; throws one Error naming every bad field as `field: problem`. */
export function parseFaultSpec(input: unknown): FaultSpec {
  const result = faultSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'kind'}: ${i.message}`);
  throw new Error(`invalid fault spec ${JSON.stringify(input)}: ${problems.join('; ')}`);
}
