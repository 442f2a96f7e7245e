import type { CheckResult, Verdict } from '@flux-gate/run-format';
import { admissionTokens } from './admissionTokens.ts';
import type { CheckInput, Checker } from './CheckInput.ts';
import { conservation } from './conservation.ts';
import { etaAccuracy } from './etaAccuracy.ts';
import { fifoFairness } from './fifoFairness.ts';
import { MissingInput } from './MissingInput.ts';
import { noBrokenPromises } from './noBrokenPromises.ts';
import { noDuplicates } from './noDuplicates.ts';
import { noLostOrders } from './noLostOrders.ts';
import { noOversell } from './noOversell.ts';
import { noWaitAfterSoldOut } from './noWaitAfterSoldOut.ts';
import { noRefusedButConfirmed } from './noRefusedButConfirmed.ts';
import { oneOrderPerKey } from './oneOrderPerKey.ts';
import { perUserLimit } from './perUserLimit.ts';
import { recordsStored } from './recordsStored.ts';
import { soldOutWhenDemandExceedsStock } from './soldOutWhenDemandExceedsStock.ts';
import { thresholds } from './thresholds.ts';
import { unknownOutcomes } from './unknownOutcomes.ts';
import { worstVerdict } from './worstVerdict.ts';

/** Every checker by the name it reports under. */
export const checkers = {
  no_oversell: noOversell,
  no_lost_orders: noLostOrders,
  no_duplicates: noDuplicates,
  per_user_limit: perUserLimit,
  one_order_per_key: oneOrderPerKey,
  no_refused_but_confirmed: noRefusedButConfirmed,
  no_broken_promises: noBrokenPromises,
  conservation,
  sold_out_when_demand_exceeds_stock: soldOutWhenDemandExceedsStock,
  unknown_outcomes: unknownOutcomes,
  records_stored: recordsStored,
  thresholds,
  fifo_fairness: fifoFairness,
  no_wait_after_sold_out: noWaitAfterSoldOut,
  eta_accuracy: etaAccuracy,
  admission_tokens: admissionTokens,
} satisfies Record<string, Checker>;

export type CheckerName = keyof typeof checkers;
export const checkerNames = Object.keys(checkers) as CheckerName[];

/** The checkers of the waiting room, judging buyers who followed it. */
export const waitingRoomCheckers: CheckerName[] = ['fifo_fairness', 'no_wait_after_sold_out', 'eta_accuracy', 'admission_tokens'];

/**
 * The checkers that judge buyers over HTTP, buyers over HTTP who follow the waiting room (the
 * same, plus the waiting room's), and records produced straight into Kafka.
 */
export const defaultInvariants: Record<'http' | 'waitingRoom' | 'kafka', CheckerName[]> = {
  http: checkerNames.filter((n) => n !== 'records_stored' && !waitingRoomCheckers.includes(n)),
  waitingRoom: checkerNames.filter((n) => n !== 'records_stored'),
  kafka: ['records_stored', 'no_oversell', 'no_duplicates', 'per_user_limit', 'thresholds'],
};

/** A checker that throws answers unknown with the error; the others still answer. */
function runOne(name: CheckerName, input: CheckInput): CheckResult {
  try {
    return checkers[name](input);
  } catch (err) {
    if (err instanceof MissingInput) return { name, verdict: 'unknown', summary: `Not checked: ${err.message}.`, counts: {}, witnesses: [] };
    return { name, verdict: 'unknown', summary: `the checker failed: ${err instanceof Error ? err.message : String(err)}`, counts: {}, witnesses: [] };
  }
}

/** Runs the named checkers (default all); the verdict is fail if any fails, else unknown if any is unknown, else pass. */
export function runCheckers(input: CheckInput, names: readonly CheckerName[] = checkerNames): { verdict: Verdict; checks: CheckResult[] } {
  const checks = names.map((name) => runOne(name, input));
  return { verdict: worstVerdict(checks.map((c) => c.verdict)), checks };
}
