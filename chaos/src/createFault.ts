import { Toxiproxy } from 'toxiproxy-node-client';
import type { ControllableProcess } from './ControllableProcess.ts';
import { describeFault } from './describeFault.ts';
import type { Fault, FaultContext } from './Fault.ts';
import { parseFaultSpec, type FaultSpecInput, type NodeFaultSpec } from './faultSpec.ts';
import { nodeFault } from './nodeFault.ts';
import { byNodeName, resolveTargets } from './NodeResolver.ts';
import { clusterFailoverFault } from './clusterFailoverFault.ts';
import { slotMoveFault } from './slotMoveFault.ts';
import { processFault } from './processFault.ts';
import { proxyDownFault } from './proxyDownFault.ts';
import { sentinelFailoverFault } from './sentinelFailoverFault.ts';
import { toxicFault } from './toxicFault.ts';
import { UnknownTargetError } from './UnknownTargetError.ts';

/**
 * Validates a fault spec and binds it to the stack. An unknown process or node is an error here
 * with node names only (no resolver), at inject with a resolver of roles; an unknown link is an
 * error at the first inject or heal (only Toxiproxy knows its proxies).
 */
export function createFault(input: FaultSpecInput, context: FaultContext): Fault {
  const spec = parseFaultSpec(input);
  const identity = describeFault(spec);
  switch (spec.kind) {
    case 'isolate':
    case 'split':
    case 'bridge':
    case 'netem':
    case 'loss': {
      if (!context.nodes) throw new Error(`${identity.label}: this stack has no nodes with network namespaces of their own (node faults need them)`);
      const names = Object.keys(context.nodes);
      if (!context.resolveNodes) for (const target of nodeTargets(spec)) byNodeName(target, names);
      return nodeFault(spec, identity, context.nodes, context.resolveNodes ?? byNodeName);
    }
    case 'kill':
    case 'pause':
    case 'redis-restart': {
      const targets = 'processes' in spec && spec.processes ? spec.processes : [spec.process!];
      const names = Object.keys(context.processes);
      const unknown = targets.find((t) => !names.includes(t));
      if (unknown !== undefined && !context.resolveNodes) throw new UnknownTargetError('process', unknown, names);
      const resolve = context.resolveNodes ?? byNodeName;
      const atInject = async (): Promise<ControllableProcess[]> => (await resolveTargets(resolve, targets, names)).map((n) => context.processes[n]!);
      return processFault(spec.kind, identity, atInject);
    }
    case 'sentinel-failover':
      if (!context.sentinels) throw new Error(`${identity.label}: this stack has no Sentinels (the replicated topology has them)`);
      return sentinelFailoverFault(identity, context.sentinels);
    case 'cluster-failover':
    case 'slot-move':
      if (!context.redisCluster) throw new Error(`${identity.label}: this stack has no Redis Cluster (the cluster topology has one)`);
      return spec.kind === 'slot-move' ? slotMoveFault(identity, spec.product, context.redisCluster) : clusterFailoverFault(identity, spec.product, context.redisCluster);
    case 'down':
      return proxyDownFault(spec.link, identity, new Toxiproxy(context.toxiproxyUrl));
    default:
      return toxicFault(spec, identity, new Toxiproxy(context.toxiproxyUrl));
  }
}

const nodeTargets = (spec: NodeFaultSpec): string[] =>
  spec.kind === 'split' ? spec.minority : spec.kind === 'bridge' ? [spec.node, ...spec.side] : spec.kind === 'loss' ? [spec.node, ...(spec.from ?? [])] : [spec.node];
