import type { FaultIdentity } from './Fault.ts';
import type { FaultSpec, ToxicSpec } from './faultSpec.ts';

const where = (spec: ToxicSpec) =>
  ` on ${spec.link}${spec.direction === 'downstream' ? '' : ` (${spec.direction})`}${spec.toxicity < 1 ? ` for ${Math.round(spec.toxicity * 100)}% of connections` : ''}`;

function label(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'kill':
      return `kill ${processes(spec)}`;
    case 'pause':
      return `pause ${processes(spec)}`;
    case 'redis-restart':
      return `restart ${spec.process} empty`;
    case 'down':
      return `down ${spec.link} (connection refused)`;
    case 'latency':
      return `latency ${spec.latencyMs}ms±${spec.jitterMs}${where(spec)}`;
    case 'timeout':
      return `timeout (black hole${spec.timeoutMs ? `, closed after ${spec.timeoutMs}ms` : ''})${where(spec)}`;
    case 'bandwidth':
      return `bandwidth ${spec.rateKBps}KB/s${where(spec)}`;
    case 'reset_peer':
      return `reset_peer after ${spec.timeoutMs}ms${where(spec)}`;
    case 'slicer':
      return `slicer ${spec.averageSize}±${spec.sizeVariation}B every ${spec.delayUs}µs${where(spec)}`;
    case 'isolate':
      return `isolate ${spec.node} from every other node`;
    case 'split':
      return `split ${spec.minority.join(', ')} (minority) from the rest`;
    case 'bridge':
      return `cut ${spec.side.join(', ')} from the rest but ${spec.node} (bridge)`;
    case 'netem':
      return `netem${spec.delayMs ? ` delay ${spec.delayMs}ms±${spec.jitterMs}` : ''}${spec.lossPercent ? ` loss ${spec.lossPercent}%` : ''} on ${spec.node}`;
    case 'loss':
      return `loss ${spec.percent}% into ${spec.node}${spec.from ? ` from ${spec.from.join(', ')}` : ''}`;
    case 'sentinel-failover':
      return 'Sentinel failover of the Redis primary';
    case 'cluster-failover':
      return `Redis Cluster failover of the shard holding ${spec.product}`;
    case 'slot-move':
      return `move ${spec.product}'s Redis Cluster slot to another primary (one-way)`;
  }
}

const processes = (spec: { process?: string; processes?: string[] }) => (spec.processes ?? [spec.process!]).join(' and ');

function targetOf(spec: FaultSpec): string {
  if (spec.kind === 'kill' || spec.kind === 'pause') return (spec.processes ?? [spec.process!]).join('+');
  if (spec.kind === 'sentinel-failover') return 'redis-primary';
  if (spec.kind === 'cluster-failover' || spec.kind === 'slot-move') return spec.product;
  if ('process' in spec) return spec.process;
  if ('link' in spec) return spec.link;
  return spec.kind === 'split' ? spec.minority.join('+') : spec.node;
}

/** The id (spec.id, else `<kind>-<target>`), kind, target and human label of a fault spec. */
export function describeFault(spec: FaultSpec): FaultIdentity {
  const target = targetOf(spec);
  return { id: spec.id ?? `${spec.kind}-${target}`, kind: spec.kind, target, label: label(spec) };
}
