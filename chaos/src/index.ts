export type { ControllableProcess } from './ControllableProcess.ts';
export { createFault } from './createFault.ts';
export type { ClusterShard, Fault, FaultContext, RedisClusterControl, ResolvedTargets, SentinelControl } from './Fault.ts';
export {
  clusterFaultKinds,
  faultKinds,
  faultSpecSchema,
  nodeFaultKinds,
  parseFaultSpec,
  replicatedFaultKinds,
  type ClusterFaultSpec,
  type FaultKind,
  type FaultSpec,
  type FaultSpecInput,
  type NetemSpec,
  type NodeFaultKind,
  type NodeFaultSpec,
  type PartitionSpec,
  type ProcessFaultSpec,
  type ReplicatedFaultKind,
  type ToxicSpec,
} from './faultSpec.ts';
export { healNetwork } from './healNetwork.ts';
export type { NetworkNode } from './NetworkNode.ts';
export { byNodeName, resolveTargets, type NodeResolver } from './NodeResolver.ts';
export { partitionChain } from './partitionChain.ts';
export { partitionGrudge, type Grudge, type PartitionShape } from './partitionGrudge.ts';
export { FaultTimeline, type FaultEntry } from './FaultTimeline.ts';
export { healAll } from './healAll.ts';
export { runFault } from './runFault.ts';
export { UnknownTargetError } from './UnknownTargetError.ts';
