import type { CheckResult, Verdict, Witness } from '@flux-gate/run-format';
import { isUnknown, type CheckInput } from './CheckInput.ts';
import { confirmedByProduct } from './confirmedByProduct.ts';
import { groupBy } from './groupBy.ts';
import { firstWitnesses } from './witness.ts';
import { worstVerdict } from './worstVerdict.ts';

/**
 * After heal and drain, every unit is either sold or back on sale: initial = confirmed + Redis,
 * and PostgreSQL's stock = initial − confirmed. Phantom units (more than initial) and PostgreSQL
 * drift fail. Leaked units fail unless the product's unknown requests (each may hold one unit) or
 * an unfinished drain can explain them; a missing Redis key makes the product unknown.
 */
export function conservation(input: CheckInput): CheckResult {
  const products = new Map(input.final.products.map((p) => [p.productId, p]));
  const unknownRequests = groupBy(input.history.filter(isUnknown), (e) => e.productId);
  const counts = { products: 0, leakedUnits: 0, phantomUnits: 0, unexplainedLeaks: 0, redisMissing: 0, dbDrift: 0 };
  const verdicts: Verdict[] = [];
  const witnesses: Witness[] = [];
  for (const [productId, orders] of confirmedByProduct(input)) {
    counts.products++;
    const initial = input.initialStock[productId] ?? 0;
    const sold = orders.length;
    const row = products.get(productId);
    const dbRow = row ? `products(stock=${row.dbStock}, confirmed=${row.dbConfirmed}, rejected=${row.dbRejected})` : 'no products row';
    const witness = (note: string) => witnesses.push({ productId, dbRow, note });
    if (!row || row.dbStock !== initial - sold) {
      counts.dbDrift++;
      verdicts.push('fail');
      witness(`PostgreSQL stock ${row?.dbStock ?? 'missing'} ≠ initial ${initial} − confirmed ${sold}`);
    }
    const redis = row?.redisStock ?? null;
    if (redis === null) {
      counts.redisMissing++;
      verdicts.push('unknown');
      witness(`no stock key in Redis (restarted empty and not reseeded?); initial ${initial}, confirmed ${sold}`);
      continue;
    }
    const leaked = initial - sold - redis;
    if (leaked === 0) continue;
    const equation = `initial ${initial} = confirmed ${sold} + Redis ${redis} ${leaked > 0 ? '+' : '−'} ${Math.abs(leaked)} ${leaked > 0 ? 'leaked' : 'phantom'}`;
    if (leaked < 0) {
      counts.phantomUnits -= leaked;
      verdicts.push('fail');
      witness(equation);
      continue;
    }
    counts.leakedUnits += leaked;
    const unknown = unknownRequests.get(productId)?.length ?? 0;
    const explained = leaked <= unknown || !input.final.drained;
    if (!explained) counts.unexplainedLeaks += leaked;
    verdicts.push(explained ? 'unknown' : 'fail');
    witness(`${equation}; ${unknown} unknown request(s)${input.final.drained ? '' : ', drain unfinished'}`);
  }
  const verdict = worstVerdict(verdicts);
  const summaries: Record<Verdict, string> = {
    pass: `Every unit of ${counts.products} product(s) is sold or back on sale, and PostgreSQL agrees.`,
    unknown: counts.redisMissing
      ? `${counts.redisMissing} product(s) have no stock key in Redis, so their units cannot be accounted for; ${counts.leakedUnits} unit(s) leaked elsewhere, all explainable.`
      : `${counts.leakedUnits} unit(s) are neither sold nor back on sale, no more than unknown requests or the unfinished drain can explain.`,
    fail: `${counts.unexplainedLeaks} unit(s) leaked beyond what unknown requests explain, ${counts.phantomUnits} phantom unit(s), ${counts.dbDrift} product(s) where PostgreSQL stock disagrees with its orders.`,
  };
  return { name: 'conservation', verdict, summary: summaries[verdict], counts, witnesses: firstWitnesses(witnesses) };
}
