import type { HistoryEntry } from '@flux-gate/run-format';
import { isUnknown } from './CheckInput.ts';

/**
 * The unknown requests whose Idempotency-Key no request of the run settled: a retry with the same
 * key that got a decisive answer (200, or a refusal such as 409 or a 503 naming no order) resolves
 * every unknown attempt of that key.
 */
export function unresolvedRequests(history: readonly HistoryEntry[]): HistoryEntry[] {
  const decided = new Set(history.filter((e) => e.outcome === 'ok' || e.outcome === 'fail').map((e) => e.key));
  return history.filter((e) => isUnknown(e) && !decided.has(e.key));
}
