import type { FaultRecord, Manifest, RoleChange } from '@flux-gate/run-format';

/** A stretch of time in seconds since the run started. */
interface Span {
  from: number;
  to: number;
}

/** What a node held from one role change to the next. */
export interface RoleSpan extends Span {
  roles: string[];
  down: boolean;
}

/**
 * A fault as one node lived it:
 * - `minority`: on the smaller side of a partition (or an isolated node), cut from `cutFrom`;
 * - `majority`: on the larger side, cut from the minority (`cutFrom`);
 * - `bridge`: named by a bridge partition but on neither side, so it still reaches both;
 * - `process`: a fault on the node itself (kill, pause, netem, loss, …).
 */
export interface FaultSpan extends Span {
  faultId: string;
  kind: string;
  label: string;
  tone: 'minority' | 'majority' | 'bridge' | 'process';
  cutFrom: string[];
  /** The nodes on its own side of a partition, itself included (empty unless minority or majority). */
  side: string[];
  /** The fault never healed: the span runs to the end. */
  open: boolean;
}

export interface NodeLane {
  node: string;
  /** The part it belongs to (kafka, redis, …) when the run recorded its topology. */
  part: string | null;
  roles: RoleSpan[];
  faults: FaultSpan[];
}

/** Lanes go by part in this order (a stable sort keeps the topology's order within a part); nodes of no recorded part last. */
const partOrder = ['kafka', 'redis', 'balancer', 'postgres', 'toxiproxy'];

/** Kinds whose target names a process, and so a node when it is one. */
const processKinds = new Set(['kill', 'pause', 'redis-restart']);

/** Names in order of first appearance, each once. */
function addAll(into: Map<string, string | null>, names: Iterable<string>, part: string | null = null): void {
  for (const n of names) if (!into.has(n)) into.set(n, part);
}

/** The nodes a fault acted on, as recorded (`nodes`, the sides), or its target when that is a process on a lane. */
function faultNodes(f: FaultRecord, lanes: ReadonlyMap<string, unknown>): string[] {
  if (f.nodes?.length || f.groups?.length) return [...new Set([...(f.nodes ?? []), ...(f.groups ?? []).flat()])];
  return processKinds.has(f.kind) || lanes.has(f.target) ? [f.target] : [];
}

/** How one node lived a partition with these sides. */
function partitionSpan(node: string, groups: string[][]): Pick<FaultSpan, 'tone' | 'cutFrom' | 'side'> {
  const own = groups.find((g) => g.includes(node));
  if (!own) return { tone: 'bridge', cutFrom: [], side: [] };
  const cutFrom = groups.filter((g) => g !== own).flat();
  const largest = Math.max(...groups.map((g) => g.length));
  const smaller = own.length < largest || groups.every((g) => g.length === largest);
  return { tone: smaller ? 'minority' : 'majority', cutFrom, side: own };
}

/**
 * One lane per node, for the report's node timeline: the run-time roles it held (roles.ndjson) and
 * the faults it lived (fault records with `nodes` and `groups`, and process faults on it), times in
 * seconds since the run started, up to `endTs`. Nodes come from the run's recorded topology, then
 * from the names the role changes and the faults give, grouped by part (Kafka, Redis, the balancer, …).
 */
export function nodeLanes(run: { manifest: Pick<Manifest, 'startedAt' | 'topology'>; roles: readonly RoleChange[]; faults: readonly FaultRecord[] }, endTs: number): NodeLane[] {
  const origin = run.manifest.startedAt;
  const sec = (ts: number) => Math.round(ts - origin) / 1000;
  const end = sec(endTs);
  const names = new Map<string, string | null>();
  for (const n of run.manifest.topology?.nodes ?? []) addAll(names, [n.name], n.part);
  addAll(
    names,
    run.roles.map((r) => r.node),
  );
  for (const f of run.faults) addAll(names, faultNodes(f, names));

  const lanes = new Map<string, NodeLane>([...names].map(([node, part]) => [node, { node, part, roles: [], faults: [] }]));

  const changes = [...run.roles].sort((a, b) => a.at - b.at);
  for (const c of changes) {
    const spans = lanes.get(c.node)!.roles;
    const last = spans[spans.length - 1];
    const roles = [...c.roles].sort();
    const down = c.down === true;
    if (last && last.down === down && last.roles.join() === roles.join()) continue;
    if (last) last.to = sec(c.at);
    spans.push({ from: sec(c.at), to: end, roles, down });
  }

  for (const f of run.faults) {
    const from = sec(f.injectedAt);
    const to = f.healedAt === undefined ? end : sec(f.healedAt);
    for (const node of faultNodes(f, lanes)) {
      const how = f.groups?.length ? partitionSpan(node, f.groups) : { tone: 'process' as const, cutFrom: [], side: [] };
      lanes.get(node)!.faults.push({ from, to, faultId: f.id, kind: f.kind, label: f.label, ...how, open: f.healedAt === undefined });
    }
  }
  const partRank = (part: string | null) => {
    const i = partOrder.indexOf(part ?? '');
    return i < 0 ? partOrder.length : i;
  };
  return [...lanes.values()].sort((a, b) => partRank(a.part) - partRank(b.part));
}
