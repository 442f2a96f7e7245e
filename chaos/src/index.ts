export type { ControllableProcess } from './ControllableProcess.ts';
export { createFault } from './createFault.ts';
export type { Fault, FaultContext } from './Fault.ts';
export { faultKinds, faultSpecSchema, parseFaultSpec, type FaultKind, type FaultSpec, type FaultSpecInput, type ProcessFaultSpec, type ToxicSpec } from './faultSpec.ts';
export { FaultTimeline, type FaultEntry } from './FaultTimeline.ts';
export { healAll } from './healAll.ts';
export { runFault } from './runFault.ts';
export { UnknownTargetError } from './UnknownTargetError.ts';
