import type { CheckResult, Witness } from '@flux-gate/reports';
import type { CheckInput } from './CheckInput.ts';
import { confirmedByProduct } from './confirmedByProduct.ts';
import { firstWitnesses, orderWitness } from './witness.ts';

/** Confirmed orders never exceed a product's initial stock, and PostgreSQL stock never goes below 0. */
export function noOversell(input: CheckInput): CheckResult {
  const witnesses: Witness[] = [];
  let confirmed = 0;
  let oversoldProducts = 0;
  let oversoldUnits = 0;
  for (const [productId, orders] of confirmedByProduct(input)) {
    const stock = input.initialStock[productId] ?? 0;
    confirmed += orders.length;
    if (orders.length <= stock) continue;
    oversoldProducts++;
    oversoldUnits += orders.length - stock;
    witnesses.push(...orders.slice(stock).map((o) => orderWitness(o, `beyond the initial stock of ${stock}`)));
  }
  const negative = input.final.products.filter((p) => p.dbStock < 0);
  for (const p of negative) witnesses.unshift({ productId: p.productId, dbRow: `products(stock=${p.dbStock})`, note: 'PostgreSQL stock below 0' });
  const fail = oversoldUnits > 0 || negative.length > 0;
  return {
    name: 'no_oversell',
    verdict: fail ? 'fail' : 'pass',
    summary: fail
      ? `${oversoldUnits} unit(s) sold beyond the initial stock of ${oversoldProducts} product(s); ${negative.length} product(s) with PostgreSQL stock below 0.`
      : `${confirmed} confirmed order(s), none beyond any product's initial stock, and no PostgreSQL stock below 0.`,
    counts: { confirmed, oversoldProducts, oversoldUnits, negativeDbStock: negative.length },
    witnesses: firstWitnesses(witnesses),
  };
}
