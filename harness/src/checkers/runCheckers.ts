import type { CheckResult, Verdict } from '@flux-gate/reports';
import type { CheckInput, Checker } from './CheckInput.ts';
import { conservation } from './conservation.ts';
import { noDuplicates } from './noDuplicates.ts';
import { noLostOrders } from './noLostOrders.ts';
import { noOversell } from './noOversell.ts';
import { noRefusedButConfirmed } from './noRefusedButConfirmed.ts';
import { soldOutWhenDemandExceedsStock } from './soldOutWhenDemandExceedsStock.ts';
import { unknownOutcomes } from './unknownOutcomes.ts';
import { worstVerdict } from './worstVerdict.ts';

/** Every checker by the name it reports under. */
export const checkers = {
  no_oversell: noOversell,
  no_lost_orders: noLostOrders,
  no_duplicates: noDuplicates,
  no_refused_but_confirmed: noRefusedButConfirmed,
  conservation,
  sold_out_when_demand_exceeds_stock: soldOutWhenDemandExceedsStock,
  unknown_outcomes: unknownOutcomes,
} satisfies Record<string, Checker>;

export type CheckerName = keyof typeof checkers;
export const checkerNames = Object.keys(checkers) as CheckerName[];

/** Runs the named checkers (default all); the verdict is fail if any fails, else unknown if any is unknown, else pass. */
export function runCheckers(input: CheckInput, names: readonly CheckerName[] = checkerNames): { verdict: Verdict; checks: CheckResult[] } {
  const checks = names.map((name) => checkers[name](input));
  return { verdict: worstVerdict(checks.map((c) => c.verdict)), checks };
}
