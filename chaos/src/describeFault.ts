import type { FaultIdentity } from './Fault.ts';
import type { FaultSpec, ToxicSpec } from './faultSpec.ts';

const where = (spec: ToxicSpec) =>
  ` on ${spec.link}${spec.direction === 'downstream' ? '' : ` (${spec.direction})`}${spec.toxicity < 1 ? ` for ${Math.round(spec.toxicity * 100)}% of connections` : ''}`;

function label(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'kill':
      return `kill ${spec.process}`;
    case 'pause':
      return `pause ${spec.process}`;
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
  }
}

/** The id (spec.id, else `<kind>-<target>`), kind, target and human label of a fault spec. */
export function describeFault(spec: FaultSpec): FaultIdentity {
  const target = 'process' in spec ? spec.process : spec.link;
  return { id: spec.id ?? `${spec.kind}-${target}`, kind: spec.kind, target, label: label(spec) };
}
