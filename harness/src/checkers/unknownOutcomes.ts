import type { CheckResult, HistoryEntry } from '@flux-gate/run-format';
import { isUnknown, type CheckInput } from './CheckInput.ts';
import { unresolvedRequests } from './unresolvedRequests.ts';
import { firstWitnesses, requestWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

const defaultFaultBudget = 0.05;

function unresolvedKeysByProduct(unresolved: HistoryEntry[]): Map<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const e of unresolved) keys.set(e.productId, (keys.get(e.productId) ?? new Set()).add(e.key));
  return new Map([...keys].map(([productId, set]) => [productId, set.size]));
}

/**
 * Counts requests whose outcome the client never learned, and the keys no retry resolved. The
 * budget bounds the unresolved keys (a retry with the same Idempotency-Key that got an answer
 * settles its key). Within the budget it passes; beyond it the answer is unknown, never fail: an
 * unknown outcome is not a bug by itself, but it weakens every other check.
 */
export function unknownOutcomes(input: CheckInput): CheckResult {
  const unknown = input.history.filter(isUnknown);
  const budget = input.unknownBudget ?? (input.faults.length ? defaultFaultBudget : 0);
  const keys = new Set(input.history.map((e) => e.key)).size;
  const allowed = budget > 1 ? budget : Math.floor(budget * keys);
  const unresolved = unresolvedRequests(input.history);
  const unresolvedKeys = new Set(unresolved.map((e) => e.key)).size;
  const within = unresolvedKeys <= allowed;
  const byProduct = new ProductCounts();
  for (const e of unknown) byProduct.add(e.productId, 'unknown');
  for (const [productId, keys] of unresolvedKeysByProduct(unresolved)) byProduct.add(productId, 'unresolvedKeys', keys);
  return {
    name: 'unknown_outcomes',
    verdict: within ? 'pass' : 'unknown',
    summary: `${unknown.length} of ${input.history.length} request(s) left the outcome open (no answer, or a 503 naming an order that may yet be placed); ${unresolvedKeys} of ${keys} key(s) never resolved by a retry, ${within ? 'within' : 'over'} the budget of ${allowed}.`,
    counts: { requests: input.history.length, keys, unknown: unknown.length, unresolvedKeys, allowed },
    ...byProduct.result(),
    witnesses: within ? [] : firstWitnesses(unresolved.map((e) => requestWitness(e))),
  };
}
