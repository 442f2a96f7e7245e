import type { CheckResult, Verdict, Witness } from '@flux-gate/run-format';
import { isUnknown, type CheckInput } from './CheckInput.ts';
import { confirmedByProduct } from './confirmedByProduct.ts';
import { groupBy } from './groupBy.ts';
import { firstWitnesses, requestWitness } from './witness.ts';
import { worstVerdict } from './worstVerdict.ts';
import { ProductCounts } from './ProductCounts.ts';

/**
 * When more distinct buyers got a decisive answer than a product had units, every unit must be
 * sold. A shortfall fails in a clean, drained run; with faults or an unfinished drain it is unknown.
 */
export function soldOutWhenDemandExceedsStock(input: CheckInput): CheckResult {
  const requests = groupBy(input.history, (e) => e.productId);
  const excused = input.faults.length > 0 || !input.final.drained;
  const counts = { products: 0, contested: 0, undersoldProducts: 0, unsoldUnits: 0 };
  const verdicts: Verdict[] = [];
  const byProduct = new ProductCounts();
  const rows = new Map(input.final.products.map((p) => [p.productId, p]));
  const witnesses: Witness[] = [];
  for (const [productId, orders] of confirmedByProduct(input)) {
    counts.products++;
    const stock = input.initialStock[productId] ?? 0;
    const entries = requests.get(productId) ?? [];
    const buyers = new Set(entries.filter((e) => !isUnknown(e)).map((e) => e.userId)).size;
    if (buyers <= stock) continue;
    counts.contested++;
    if (orders.length >= stock) continue;
    counts.undersoldProducts++;
    counts.unsoldUnits += stock - orders.length;
    byProduct.add(productId, 'unsoldUnits', stock - orders.length);
    verdicts.push(excused ? 'unknown' : 'fail');
    const note = `${buyers} buyers for ${stock} units, ${orders.length} sold`;
    const row = rows.get(productId);
    witnesses.push({ productId, note, ...(row ? { dbRow: `products(stock=${row.dbStock})` } : {}) });
    witnesses.push(...entries.filter((e) => e.outcome === 'fail').slice(-3).map((e) => requestWitness(e, 'refused, yet units were left at the end')));
  }
  const verdict = worstVerdict(verdicts);
  const summaries: Record<Verdict, string> = {
    pass: counts.contested
      ? `All ${counts.contested} product(s) where buyers outnumbered units sold out.`
      : `No product had more buyers with a decisive answer than units, so nothing had to sell out.`,
    unknown: `${counts.unsoldUnits} unit(s) of ${counts.undersoldProducts} oversubscribed product(s) went unsold, but ${input.faults.length ? `${input.faults.length} fault(s)` : 'the unfinished drain'} may explain it.`,
    fail: `${counts.unsoldUnits} unit(s) of ${counts.undersoldProducts} oversubscribed product(s) went unsold in a run without faults.`,
  };
  return { name: 'sold_out_when_demand_exceeds_stock', verdict, summary: summaries[verdict], counts, ...byProduct.result(), witnesses: firstWitnesses(witnesses) };
}
