import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { loadPlanOf } from '../src/experiment/loadPlanOf.ts';
import { expandProductSet } from '../src/experiment/productSet.ts';
import { resolveExperiment } from '../src/experiment/resolveExperiment.ts';
import { buyers } from '../src/load/buyers.ts';
import { productChoice, zipfWeights } from '../src/load/productChoice.ts';
import { refusal } from './support/definitions.ts';

const set = { count: 200, stock: { min: 10, max: 5000 }, prefix: 'sku' };
const bigSale = {
  name: 'many',
  description: 'many products',
  system: { productSet: { count: 200, stock: { min: 10, max: 5000 } } },
  load: { rate: 100, duration: '2s', users: 100, demand: { zipf: { s: 1.1 } } },
};

function experimentOf(raw: unknown) {
  const d = parseDefinition(raw, 'x.json');
  if (d.kind !== 'experiment') throw new Error('expected an experiment');
  return d.experiment;
}


/** How many of `arrivals` arrivals ask for each product. */
function demandCounts(products: string[], weights: number[], seed: number, arrivals: number): Map<string, number> {
  const choose = productChoice(products, weights, seed);
  const counts = new Map<string, number>();
  for (let n = 0; n < arrivals; n++) counts.set(choose(n), (counts.get(choose(n)) ?? 0) + 1);
  return counts;
}

describe('a product set', () => {
  it('the same seed gives the same products and stocks, another seed other stocks', () => {
    const a = expandProductSet(set, 21);
    expect(a).toEqual(expandProductSet(set, 21));
    expect(a).toHaveLength(200);
    expect(a[0]!.productId).toBe('sku-1');
    expect(a[199]!.productId).toBe('sku-200');
    expect(a.map((p) => p.stock)).not.toEqual(expandProductSet(set, 22).map((p) => p.stock));
  });

  it('stocks stay within bounds and spread over the orders of magnitude', () => {
    const stocks = expandProductSet(set, 21).map((p) => p.stock);
    expect(Math.min(...stocks)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...stocks)).toBeLessThanOrEqual(5000);
    // Log-uniform: about a third below 100 units, a third above 700.
    expect(stocks.filter((s) => s < 100).length).toBeGreaterThan(40);
    expect(stocks.filter((s) => s > 700).length).toBeGreaterThan(40);
  });

  it('a run resolves the set into listed products and records the set and seed; the stored form loads again', () => {
    const resolved = resolveExperiment(experimentOf(bigSale), 21);
    expect(resolved.system.products).toEqual(expandProductSet(set, 21));
    expect(resolved.system.generatedProducts).toEqual({ ...set, seed: 21 });
    expect('productSet' in resolved.system).toBe(false);
    const reloaded = resolveExperiment(experimentOf(JSON.parse(JSON.stringify(resolved))), 99);
    expect(reloaded.system.products).toEqual(resolved.system.products);
  });

  it('refuses both products and a set, neither, a min above max, and a demand law on k6', () => {
    expect(refusal({ ...bigSale, system: { ...bigSale.system, products: [{ productId: 'p', stock: 1 }] } })).toMatch(/system\.products.*either "products".*"productSet"/);
    expect(refusal({ ...bigSale, system: {} })).toMatch(/system\.products.*not both and not neither/);
    expect(refusal({ ...bigSale, system: { productSet: { count: 5, stock: { min: 50, max: 10 } } } })).toMatch(/system\.productSet\.stock\.min.*not be above/);
    expect(refusal({ ...bigSale, system: { productSet: { count: 0, stock: { min: 1, max: 10 } } } })).toMatch(/system\.productSet\.count/);
    expect(refusal({ ...bigSale, load: { ...bigSale.load, engine: 'k6' } })).toMatch(/load\.demand.*built-in engine/);
    expect(refusal({ ...bigSale, load: { ...bigSale.load, demand: { zipf: { s: 0 } } } })).toMatch(/load\.demand\.zipf\.s/);
  });
});

describe('Zipf demand', () => {
  const products = expandProductSet(set, 21).map((p) => p.productId);

  it('the same seed gives the same weights and the same product for every arrival, whatever the order asked', () => {
    expect(zipfWeights(200, 1.1, 21)).toEqual(zipfWeights(200, 1.1, 21));
    expect(zipfWeights(200, 1.1, 21)).not.toEqual(zipfWeights(200, 1.1, 22));
    const choose = productChoice(products, zipfWeights(200, 1.1, 21), 21);
    const forward = Array.from({ length: 500 }, (_, n) => choose(n));
    const backward = Array.from({ length: 500 }, (_, i) => choose(499 - i)).reverse();
    expect(backward).toEqual(forward);
    const again = buyers({ seed: 21, round: 0, users: 50, products, demand: zipfWeights(200, 1.1, 21) });
    expect(Array.from({ length: 500 }, (_, n) => again(n).productId)).toEqual(forward);
  });

  it('the skew is visible: the hottest product draws about 1/H(200, 1.1) of arrivals, far above the median', () => {
    const weights = zipfWeights(200, 1.1, 21);
    const counts = demandCounts(products, weights, 21, 40_000);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const harmonic = Array.from({ length: 200 }, (_, r) => 1 / (r + 1) ** 1.1).reduce((a, b) => a + b, 0);
    expect(sorted[0]! / 40_000).toBeCloseTo(1 / harmonic, 1);
    const median = sorted[100] ?? 0;
    expect(sorted[0]!).toBeGreaterThan(50 * Math.max(1, median));
    // The hottest product is the one the seed gave rank 1, not simply the first listed.
    const hottest = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    expect(hottest).toBe(products[weights.indexOf(1)]);
  });

  it('without a demand law, arrivals take the products in turn; the plan carries the weights', () => {
    const plain = buyers({ seed: 1, round: 0, users: 10, products: ['a', 'b', 'c'] });
    expect([0, 1, 2, 3].map((n) => plain(n).productId)).toEqual(['a', 'b', 'c', 'a']);
    const experiment = resolveExperiment(experimentOf(bigSale), 21);
    const plan = loadPlanOf(experiment, { apiUrls: ['http://x'], kafkaBrokers: [], productIds: products }, 21, 0);
    expect(plan.demand).toEqual(zipfWeights(200, 1.1, 21));
  });
});
