import type { Verdict } from '@flux-gate/run-format';

/** 0 all invariants hold · 1 an invariant failed · 2 inconclusive · 3 bad arguments or the stack could not start. */
export const exitCodes = { pass: 0, fail: 1, unknown: 2, badInput: 3 } as const;

export function exitCodeOf(verdict: Verdict): number {
  return exitCodes[verdict];
}
