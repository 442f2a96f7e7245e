import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagedProcess } from './ManagedProcess.ts';
import { recordOwned } from './leftovers.ts';
import type { StartedNodeNetworks } from './netns/StartedNodeNetworks.ts';
import type { AnyStartedStack, StackOptions, StackPart } from './StackProvider.ts';
import type { StackNode, StackTopology, TopologyShape } from './StackTopology.ts';

/** What a shape's start gets from the run: its folder, and a way to start each node. */
export interface LocalStackRun {
  dir: string;
  readyTimeoutMs: number;
  log: (line: string) => void;
  /** Makes the node's process, starts it, waits until it answers, and prints the node with its address and roles. */
  startNode(node: StackNode, make: () => Promise<ManagedProcess> | ManagedProcess): Promise<ManagedProcess>;
  /** Throws the interruption, or the first failure among parts started side by side. */
  settle(results: PromiseSettledResult<unknown>[]): void;
}

/** What a shape's start returns; the run adds the folder, the lifecycle and the readiness. */
export interface ShapeStart<L extends AnyStartedStack['links']> {
  links: L;
  endpoints: AnyStartedStack['endpoints'];
  /** The node each part name stands for in `processes`. */
  aliases: Record<StackPart, string>;
}

/**
 * The lifecycle both local shapes share: a temporary folder (PostgreSQL's user can reach it), the
 * processes by node name, a stop that ends them all, keeps the logs if asked and removes the
 * nodes' network (when the shape has one), and an interrupt that stops what already runs. Nodes of
 * the system (part `api`) are in the topology, but the system starts their processes.
 */
export async function localStackRun<L extends AnyStartedStack['links']>(
  shape: TopologyShape,
  nodes: StackNode[],
  options: StackOptions,
  log: (line: string) => void,
  start: (run: LocalStackRun) => Promise<ShapeStart<L>>,
  network?: StartedNodeNetworks,
): Promise<AnyStartedStack & { links: L }> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = performance.now();
  const since = () => ((performance.now() - started) / 1000).toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-stack-'));
  const forgetDir = recordOwned({ kind: 'folder', name: 'stack', path: dir });
  chmodSync(dir, 0o755); // PostgreSQL runs as another user and must reach its folder.
  mkdirSync(join(dir, 'logs'), { recursive: true });
  chmodSync(join(dir, 'logs'), 0o777);

  const processes: Record<string, ManagedProcess> = {};
  const stopProcesses = () => Promise.allSettled(Object.values(processes).map((p) => p.stop()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await stopProcesses();
      await network?.stop();
      if (options.keepLogsIn) {
        mkdirSync(options.keepLogsIn, { recursive: true });
        cpSync(join(dir, 'logs'), options.keepLogsIn, { recursive: true });
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      forgetDir();
    })());
  const aborted = () => (options.signal?.aborted ? new Error('stack start was interrupted') : undefined);
  // An interrupt stops the parts already running at once, which ends their readiness waits. The
  // folder goes only once every part's start has settled (in the catch below): a part still being
  // made (initdb writing its cluster) would otherwise race the removal or recreate the folder.
  const onAbort = () => void stopProcesses();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const ofStack = (node: StackNode) => node.part !== 'api' && node.part !== 'balancer';
  const pending = new Map<StackPart, number>();
  for (const node of nodes.filter(ofStack)) pending.set(node.part as StackPart, (pending.get(node.part as StackPart) ?? 0) + 1);
  const width = Math.max(...nodes.map((n) => n.name.length)) + 1;
  const run: LocalStackRun = {
    dir,
    readyTimeoutMs,
    log,
    async startNode(node, make) {
      const proc = await make();
      const interrupted = aborted();
      if (interrupted) throw interrupted;
      processes[node.name] = proc;
      await proc.start();
      const ports = Object.entries(node.ports).map(([purpose, port]) => `${purpose} ${port}`).join(', ');
      log(`  ✓ ${node.name.padEnd(width)} ${node.host} (${ports}) ${node.roles.join(', ')}: ready in ${proc.readySeconds.toFixed(1)}s (${since()}s since start)`);
      const part = node.part as StackPart;
      const left = (pending.get(part) ?? 1) - 1;
      pending.set(part, left);
      if (left === 0) options.onPartReady?.(part);
      return proc;
    },
    settle(results) {
      const failure = aborted() ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      if (failure) throw failure;
    },
  };
  try {
    log(`stack (local, ${shape}, ${dir})`);
    const { links, endpoints, aliases } = await start(run);
    const interrupted = aborted();
    if (interrupted) throw interrupted;
    const topology: StackTopology = {
      shape,
      nodes: nodes.map((n) => (processes[n.name] ? { ...n, readySeconds: processes[n.name]!.readySeconds } : n)),
      ...(network ? { network: { bridge: network.bridge, subnet: network.subnet, hostAddress: network.hostAddress } } : {}),
    };
    const readiness = Object.fromEntries(
      [...pending.keys()].map((part) => [part, Math.max(...nodes.filter((n) => n.part === part).map((n) => processes[n.name]!.readySeconds))]),
    ) as Record<StackPart, number>;
    const named = Object.fromEntries(Object.entries(aliases).map(([part, node]) => [part, processes[node]!])) as Record<StackPart, ManagedProcess>;
    const stack: AnyStartedStack & { links: L } = {
      provider: 'local',
      dir,
      links,
      endpoints,
      topology,
      ...(network ? { networkNodes: network.nodes } : {}),
      processes: { ...processes, ...named },
      readiness,
      stop,
      [Symbol.asyncDispose]: stop,
    };
    log(`  stack ready in ${since()}s`);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
