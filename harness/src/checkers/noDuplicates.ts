import type { CheckResult, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';
import { firstWitnesses, orderWitness } from './witness.ts';

/** Each order id has one row, and no user holds more than perUserLimit confirmed units of a product. */
export function noDuplicates(input: CheckInput): CheckResult {
  const witnesses: Witness[] = [];
  let duplicateOrderIds = 0;
  for (const rows of groupBy(input.final.orders, (o) => o.orderId).values()) {
    if (rows.length < 2) continue;
    duplicateOrderIds++;
    witnesses.push(...rows.map((o) => orderWitness(o, `order id has ${rows.length} rows`)));
  }
  let usersOverLimit = 0;
  let extraUnits = 0;
  const confirmed = input.final.orders.filter((o) => o.status === 'confirmed');
  for (const rows of groupBy(confirmed, (o) => `${o.userId}\u0000${o.productId}`).values()) {
    if (rows.length <= input.perUserLimit) continue;
    usersOverLimit++;
    extraUnits += rows.length - input.perUserLimit;
    witnesses.push(...rows.map((o) => orderWitness(o, `user holds ${rows.length} units, limit ${input.perUserLimit}`)));
  }
  const fail = duplicateOrderIds > 0 || usersOverLimit > 0;
  return {
    name: 'no_duplicates',
    verdict: fail ? 'fail' : 'pass',
    summary: fail
      ? `${duplicateOrderIds} order id(s) with more than one row; ${usersOverLimit} user/product pair(s) over the limit of ${input.perUserLimit}.`
      : `${input.final.orders.length} order row(s), each order id once, no user over ${input.perUserLimit} unit(s) of a product.`,
    counts: { rows: input.final.orders.length, duplicateOrderIds, usersOverLimit, extraUnits },
    witnesses: firstWitnesses(witnesses),
  };
}
