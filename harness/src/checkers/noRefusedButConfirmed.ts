import type { CheckResult, HistoryEntry, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { firstWitnesses, httpLabel, orderWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

/**
 * A buyer told "no" holds no order: every confirmed order belongs to a buyer who was answered 200
 * for that product, or who got at least one answer that left the outcome open (no answer, 5xx
 * other than 503). A confirmed order whose buyer only ever heard refusals (409, 302, 503) is a
 * surprise sale: the system said no, then sold.
 */
export function noRefusedButConfirmed(input: CheckInput): CheckResult {
  const answers = new Map<string, HistoryEntry[]>();
  for (const e of input.history) {
    const key = `${e.userId}\u0000${e.productId}`;
    const list = answers.get(key);
    if (list) list.push(e);
    else answers.set(key, [e]);
  }
  const witnesses: Witness[] = [];
  let confirmed = 0;
  let surprises = 0;
  const byProduct = new ProductCounts();
  let unseen = 0;
  for (const o of input.final.orders) {
    if (o.status !== 'confirmed') continue;
    confirmed++;
    const heard = answers.get(`${o.userId}\u0000${o.productId}`);
    if (!heard) {
      unseen++;
      continue;
    }
    if (heard.some((e) => e.outcome !== 'fail')) continue;
    surprises++;
    byProduct.add(o.productId, 'refusedButConfirmed');
    witnesses.push({ ...orderWitness(o, 'confirmed, but every answer to this buyer was a refusal'), http: [...new Set(heard.map(httpLabel))].join(', ') });
  }
  return {
    name: 'no_refused_but_confirmed',
    verdict: surprises > 0 ? 'fail' : 'pass',
    summary:
      surprises > 0
        ? `${surprises} confirmed order(s) belong to buyers who were only ever refused (409, 302 or 503).`
        : `Every one of ${confirmed} confirmed order(s) belongs to a buyer answered 200 or left with an open outcome.`,
    counts: { confirmed, refusedButConfirmed: surprises, ordersWithoutRequests: unseen },
    ...byProduct.result(),
    witnesses: firstWitnesses(witnesses),
  };
}
