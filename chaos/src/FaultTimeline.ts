import type { FaultRecord } from '@flux-gate/run-format';
import type { Fault, ResolvedTargets } from './Fault.ts';

/** One fault's entry in the timeline, to complete as it heals or fails. */
export interface FaultEntry {
  /** The nodes (and partition sides) the fault's targets resolved to at inject. */
  resolved(targets: ResolvedTargets): void;
  healed(): void;
  failed(phase: 'inject' | 'heal', error: unknown): void;
}

/** The record of every fault of a run: when it was injected, when it was healed, and what failed. */
export class FaultTimeline {
  readonly #records: FaultRecord[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Records that the fault is being injected now (injectedAt is taken before inject runs). */
  begin(fault: Fault): FaultEntry {
    const record: FaultRecord = { id: fault.id, kind: fault.kind, target: fault.target, label: fault.label, injectedAt: this.now() };
    this.#records.push(record);
    return {
      resolved: ({ nodes, groups }) => {
        record.nodes = nodes;
        if (groups) record.groups = groups;
      },
      healed: () => {
        record.healedAt = this.now();
      },
      failed: (phase, error) => {
        const message = `${phase} failed: ${error instanceof Error ? error.message : String(error)}`;
        record.error = record.error ? `${record.error}; ${message}` : message;
      },
    };
  }

  toJSON(): FaultRecord[] {
    return this.#records.map((r) => ({ ...r }));
  }
}
