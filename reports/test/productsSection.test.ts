import type { CheckResult, FinalState, HistoryEntry } from '@flux-gate/run-format';
import { describe, expect, it } from 'vitest';
import { ProductDigest } from '../src/ProductDigest.ts';
import { productRows, productsSection } from '../src/productsSection.ts';

/** 30 products of 10 units: sku-i gets i arrivals answered in i ms; sku-5 is oversold by a failing check, sku-9 leaked a unit by an unknown one. */
function sale() {
  const digest = new ProductDigest();
  const products: FinalState['products'] = [];
  let ts = 0;
  for (let i = 1; i <= 30; i++) {
    const productId = `sku-${i}`;
    const sold = Math.min(10, i);
    products.push({ productId, initialStock: 10, redisStock: 10 - sold, dbStock: 10 - sold, dbConfirmed: sold, dbRejected: 0 });
    for (let n = 0; n < i; n++) {
      const e: HistoryEntry = { ts: ++ts, intendedTs: ts, latencyMs: i, userId: `u${n}`, productId, key: `${productId}-${n}`, status: n < 10 ? 200 : 409, outcome: n < 10 ? 'ok' : 'fail', attempt: 1, ...(n >= 10 ? { error: 'sold_out' } : {}) };
      digest.add(e);
    }
  }
  // sku-25 sold only 8 of 10 though 25 arrivals asked.
  Object.assign(products[24]!, { redisStock: 2, dbStock: 2, dbConfirmed: 8 });
  const final: FinalState = { readAt: ts, products, orders: [], kafkaMessages: 0, kafkaLag: 0, drained: true };
  const checks: CheckResult[] = [
    { name: 'no_oversell', verdict: 'fail', summary: '', counts: {}, byProduct: { 'sku-5': { oversoldUnits: 1 } }, witnesses: [] },
    { name: 'conservation', verdict: 'unknown', summary: '', counts: {}, byProduct: { 'sku-9': { leakedUnits: 3 } }, witnesses: [] },
  ];
  return { final, digest, checks };
}

describe('the products table', () => {
  it('puts products a failing checker named first, then findings, then units unsold while demanded, then the slowest p99', () => {
    const { final, digest, checks } = sale();
    const rows = productRows(final, digest.products, checks, 1);
    expect(rows.map((r) => r.productId).slice(0, 5)).toEqual(['sku-5', 'sku-9', 'sku-25', 'sku-30', 'sku-29']);
    expect(rows[0]).toMatchObject({ failing: true, findings: ['no_oversell: oversoldUnits 1'], arrivals: 5, sold: 5, left: 5 });
    expect(rows[2]).toMatchObject({ unsoldWhileDemanded: 2, arrivals: 25 });
    expect(rows[3]!.p99Ms).toBeCloseTo(30, 0);
    expect(rows.find((r) => r.productId === 'sku-3')!.soldOutAfterS).toBeNull();
    expect(rows.find((r) => r.productId === 'sku-30')!.soldOutAfterS).not.toBeNull();
  });

  it('shows the 20 worst of 30 and counts the rest', () => {
    const { final, digest, checks } = sale();
    const html = productsSection(productRows(final, digest.products, checks, 1));
    expect(html.match(/<tr>/g)).toHaveLength(21);
    expect(html).toContain('30 products: 20 sold out, 1 with units left while more arrivals asked');
    expect(html).toContain('2 named by a checker (1 by a failing one)');
    expect(html).toContain('The 20 worst');
    expect(productsSection(productRows({ ...final, products: final.products.slice(0, 1) }, new ProductDigest().products, [], null))).toBe('');
  });
});
