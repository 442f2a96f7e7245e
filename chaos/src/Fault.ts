import type { ControllableProcess } from './ControllableProcess.ts';
import type { FaultKind } from './faultSpec.ts';

/** A fault ready to use: inject starts it, heal ends it; both are safe to call more than once. */
export interface Fault {
  readonly id: string;
  readonly kind: FaultKind;
  /** Process name or link name. */
  readonly target: string;
  /** e.g. "latency 200ms±50 on api-redis". */
  readonly label: string;
  inject(): Promise<void>;
  heal(): Promise<void>;
}

export type FaultIdentity = Pick<Fault, 'id' | 'kind' | 'target' | 'label'>;

/** Where faults act: the Toxiproxy API and the processes that may be killed or paused, by name. */
export interface FaultContext {
  toxiproxyUrl: string;
  processes: Readonly<Record<string, ControllableProcess>>;
}
