import type { CheckResult, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { confirmedByProduct } from './confirmedByProduct.ts';
import { firstWitnesses, orderWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

/** Distinct order ids answered 200, per product. */
function promisedByProduct(input: CheckInput): Map<string, string[]> {
  const promised = new Map<string, Set<string>>();
  for (const e of input.history) {
    if (e.status !== 200 || !e.orderId) continue;
    const ids = promised.get(e.productId) ?? new Set<string>();
    ids.add(e.orderId);
    promised.set(e.productId, ids);
  }
  return new Map([...promised].map(([productId, ids]) => [productId, [...ids]]));
}

/**
 * Neither the units promised to buyers (distinct order ids answered 200) nor the orders confirmed in
 * PostgreSQL exceed a product's initial stock, and PostgreSQL stock never goes below 0.
 */
export function noOversell(input: CheckInput): CheckResult {
  const witnesses: Witness[] = [];
  const byProduct = new ProductCounts();
  let confirmed = 0;
  let oversoldProducts = 0;
  let oversoldUnits = 0;
  for (const [productId, orders] of confirmedByProduct(input)) {
    const stock = input.initialStock[productId] ?? 0;
    confirmed += orders.length;
    if (orders.length <= stock) continue;
    oversoldProducts++;
    oversoldUnits += orders.length - stock;
    byProduct.add(productId, 'oversoldUnits', orders.length - stock);
    witnesses.push(...orders.slice(stock).map((o) => orderWitness(o, `beyond the initial stock of ${stock}`)));
  }
  let overpromisedUnits = 0;
  for (const [productId, ids] of promisedByProduct(input)) {
    const stock = input.initialStock[productId] ?? 0;
    if (ids.length <= stock) continue;
    overpromisedUnits += ids.length - stock;
    byProduct.add(productId, 'overpromisedUnits', ids.length - stock);
    witnesses.push(
      ...ids.slice(stock, stock + 5).map((orderId) => ({ orderId, productId, http: '200 accepted', note: `promised beyond the initial stock of ${stock} (${ids.length} answered 200)` })),
    );
  }
  const negative = input.final.products.filter((p) => p.dbStock < 0);
  for (const p of negative) byProduct.add(p.productId, 'negativeDbStock');
  for (const p of negative) witnesses.unshift({ productId: p.productId, dbRow: `products(stock=${p.dbStock})`, note: 'PostgreSQL stock below 0' });
  const fail = oversoldUnits > 0 || overpromisedUnits > 0 || negative.length > 0;
  return {
    name: 'no_oversell',
    verdict: fail ? 'fail' : 'pass',
    summary: fail
      ? `${oversoldUnits} unit(s) confirmed and ${overpromisedUnits} unit(s) answered 200 beyond the initial stock; ${negative.length} product(s) with PostgreSQL stock below 0.`
      : `${confirmed} confirmed order(s), none beyond any product's initial stock, and no PostgreSQL stock below 0.`,
    counts: { confirmed, oversoldProducts, oversoldUnits, overpromisedUnits, negativeDbStock: negative.length },
    ...byProduct.result(),
    witnesses: firstWitnesses(witnesses),
  };
}
