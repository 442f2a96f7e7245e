import type { CheckResult } from '@flux-gate/reports';
import { isUnknown, type CheckInput } from './CheckInput.ts';
import { firstWitnesses, requestWitness } from './witness.ts';

const defaultFaultBudget = 0.05;

/**
 * Counts requests whose outcome the client never learned. Within the budget it passes; beyond it
 * the answer is unknown, never fail: an unknown outcome is not a bug by itself, but it weakens
 * every other check.
 */
export function unknownOutcomes(input: CheckInput): CheckResult {
  const unknown = input.history.filter(isUnknown);
  const budget = input.unknownBudget ?? (input.faults.length ? defaultFaultBudget : 0);
  const allowed = budget > 1 ? budget : Math.floor(budget * input.history.length);
  const decided = new Set(input.history.filter((e) => !isUnknown(e)).map((e) => e.key));
  const unresolvedKeys = new Set(unknown.filter((e) => !decided.has(e.key)).map((e) => e.key)).size;
  const within = unknown.length <= allowed;
  return {
    name: 'unknown_outcomes',
    verdict: within ? 'pass' : 'unknown',
    summary: `${unknown.length} of ${input.history.length} request(s) got no answer (${unresolvedKeys} never resolved by a retry), ${within ? 'within' : 'over'} the budget of ${allowed}.`,
    counts: { requests: input.history.length, unknown: unknown.length, unresolvedKeys, allowed },
    witnesses: within ? [] : firstWitnesses(unknown.map((e) => requestWitness(e))),
  };
}
