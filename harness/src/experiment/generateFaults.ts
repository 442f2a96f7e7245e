import type { FaultSpecInput } from '@flux-gate/chaos';
import { seededRandom } from '@flux-gate/run-format';
import { linkNames } from '@flux-gate/stack';
import type { ScheduledFault } from './experimentSchema.ts';
import type { GeneratedKind, RandomFaults } from './randomFaultsSchema.ts';
import { replicatedSettleMs, replicatedSpecOf, replicatedTargetsOf, storeGroups } from './replicatedTargets.ts';

type FaultKind = GeneratedKind;

/** Generated faults start and last on this grid (milliseconds). */
const gridMs = 100;
/**
 * How long a target stays unsettled after its fault heals: a killed process is restarted and
 * waited for (a worker rejoining its group took 6.8 s under load), a paused one catches up, and
 * after a Redis restart the sale is reseeded through the API from PostgreSQL.
 */
const settleMs: Partial<Record<FaultKind, number>> = { kill: 8000, pause: 1000, 'redis-restart': 3000 };
const attemptsPerFault = 500;

/** The processes of the system a generated fault may hit, named as the runner names them. */
export interface FaultTargets {
  apiInstances: number;
  workers: number;
  /** `replicated`: targets are run-time roles (kafka-leader, redis-primary…) found at inject; default single. */
  topology?: 'single' | 'replicated';
}

/** A random spec no schedule can satisfy (too many faults for the window and the targets). */
export class FaultGenerationError extends Error {
  override name = 'FaultGenerationError';
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/**
 * Where each kind may act. API instances are killed or paused only when there is more than one
 * (the generator keeps one serving); Toxiproxy itself is never a target, as every link runs
 * through it; a Redis process fault is `redis-restart`, which reseeds the sale after it heals.
 */
function targetsOf(kind: FaultKind, t: FaultTargets): string[] {
  const apis = t.apiInstances > 1 ? range('api', t.apiInstances) : [];
  if (t.topology === 'replicated') return replicatedTargetsOf(kind, apis, range('worker', t.workers));
  switch (kind) {
    case 'kill':
      return [...apis, ...range('worker', t.workers), 'postgres'];
    case 'pause':
      return [...apis, ...range('worker', t.workers), 'postgres', 'redis', 'kafka'];
    case 'redis-restart':
      return ['redis'];
    case 'latency':
    case 'timeout':
    case 'down':
    case 'bandwidth':
    case 'reset_peer':
    case 'slicer':
      return [...linkNames];
    default:
      return [];
  }
}

interface Placed {
  kind: FaultKind;
  target: string;
  start: number;
  end: number;
  replicated?: boolean;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
/** The time a fault holds its target: while injected, and until the target has settled after the heal. */
const held = (p: Placed) => ({ start: p.start, end: p.end + (p.replicated ? replicatedSettleMs(p.kind, p.target) : (settleMs[p.kind] ?? 0)) });
/**
 * What a process needs to start again after a kill: an API instance its links to Redis and Kafka,
 * and Redis, Kafka and PostgreSQL themselves (it refuses to start without them); a worker its links
 * to Kafka and PostgreSQL, and those two.
 */
function needs(target: string): string[] {
  if (/^api-\d+$/.test(target)) return ['api-redis', 'api-kafka', 'redis', 'kafka', 'postgres'];
  if (/^worker-\d+$/.test(target)) return ['worker-kafka', 'worker-postgres', 'kafka', 'postgres'];
  return [];
}
/** What a fault holds: its target, or on the replicated topology the stores and instances its target touches. */
const holds = (p: Placed) => (p.replicated ? storeGroups(p.target) : [p.target]);
const restartBlocked = (kill: Placed, other: Placed) => kill.kind === 'kill' && holds(kill).some((k) => needs(k).some((n) => holds(other).includes(n)));

/** An API instance (api-1, api-2…), not a link such as api-redis. */
const isApi = (target: string) => /^api-\d+$/.test(target);

/**
 * Whether a fault fits beside those placed: never two at once on one process or link, nor one on a
 * target still settling from the last (each heal undoes exactly its own inject), nothing a killed
 * process needs to start again until it has settled, a Redis restart
 * alone until its reseed is done, and at least one API instance free of process faults at every moment.
 */
function fits(c: Placed, placed: Placed[], t: FaultTargets): boolean {
  const during = placed.filter((p) => overlaps(held(p), held(c)));
  if (during.some((p) => holds(p).some((g) => holds(c).includes(g)) || restartBlocked(p, c) || restartBlocked(c, p))) return false;
  if (c.kind === 'redis-restart' ? during.length > 0 : during.some((p) => p.kind === 'redis-restart')) return false;
  // Conservative: every API instance faulted at some moment of c's window counts as down at once.
  if (isApi(c.target) && new Set(during.filter((p) => isApi(p.target)).map((p) => p.target)).size + 1 >= t.apiInstances) return false;
  return true;
}

/** The fault's own parameters, drawn moderate: each kind disturbs, none stops the system for good. */
function specOf(kind: FaultKind, target: string, pick: <T>(xs: readonly T[]) => T): FaultSpecInput {
  switch (kind) {
    case 'kill':
    case 'pause':
    case 'redis-restart':
      return { kind, process: target };
    case 'down':
      return { kind, link: target };
    case 'latency': {
      const latencyMs = pick([20, 50, 100, 200, 300]);
      return { kind, link: target, latencyMs, jitterMs: Math.round(latencyMs / 4) };
    }
    case 'timeout':
      return { kind, link: target, timeoutMs: 0, direction: pick(['upstream', 'downstream'] as const) };
    case 'bandwidth':
      return { kind, link: target, rateKBps: pick([16, 64, 256]) };
    case 'reset_peer':
      return { kind, link: target, timeoutMs: pick([0, 100, 500]) };
    case 'slicer': {
      const averageSize = pick([64, 256, 1024]);
      return { kind, link: target, averageSize, sizeVariation: averageSize / 4, delayUs: pick([0, 100, 1000]) };
    }
    default:
      return replicatedSpecOf(kind, target, pick);
  }
}

/** The seed's own stream for faults, apart from the one that draws the buyers. */
const faultStream = (seed: number) => seededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x0fa17ed5) >>> 0);

/**
 * Draws a fault schedule from the seed: which kinds, on which process or link, when and for how
 * long. The same seed and spec give the same schedule; a pure function of its arguments.
 */
export function generateFaults(spec: RandomFaults, targets: FaultTargets, seed: number): ScheduledFault[] {
  const random = faultStream(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const onGrid = (ms: number) => Math.round(ms / gridMs) * gridMs;
  const kinds = spec.kinds.filter((k) => targetsOf(k, targets).length > 0);
  if (kinds.length === 0) throw new FaultGenerationError(`faults.random.kinds: none of ${spec.kinds.join(', ')} has a target in this system (API instances are faulted only when there are two or more)`);
  const [shortest, longest] = spec.for;
  const placed: (Placed & { spec: FaultSpecInput })[] = [];
  for (let i = 0; i < spec.count; i++) {
    let done = false;
    for (let attempt = 0; attempt < attemptsPerFault && !done; attempt++) {
      const kind = pick(kinds);
      const target = pick(targetsOf(kind, targets));
      const start = Math.floor((random() * spec.within) / gridMs) * gridMs;
      const length = Math.max(gridMs, onGrid(shortest + random() * (longest - shortest)));
      const candidate: Placed = { kind, target, start, end: start + length, ...(targets.topology === 'replicated' ? { replicated: true } : {}) };
      if (!fits(candidate, placed, targets)) continue;
      placed.push({ ...candidate, spec: targets.topology === 'replicated' ? replicatedSpecOf(kind, target, pick) : specOf(kind, target, pick) });
      done = true;
    }
    if (!done) {
      throw new FaultGenerationError(
        `faults.random: could not place fault ${i + 1} of ${spec.count} within ${spec.within} ms without two at once on one target; lower count, widen within, or shorten for`,
      );
    }
  }
  // Ids in time order, unique, so that no two faults share a toxic or a line of the timeline.
  return placed
    .sort((a, b) => a.start - b.start)
    .map((p, i) => ({ when: { at: p.start }, for: p.end - p.start, fault: { ...p.spec, id: `f${i + 1}-${p.kind}-${p.target.replace(/[^\w.-]+/g, '-')}` }, reseedAfterHeal: p.kind === 'redis-restart' }));
}
