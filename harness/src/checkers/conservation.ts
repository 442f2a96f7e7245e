import type { CheckResult, Verdict, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { confirmedByProduct } from './confirmedByProduct.ts';
import { groupBy } from './groupBy.ts';
import { unresolvedRequests } from './unresolvedRequests.ts';
import { firstWitnesses } from './witness.ts';
import { worstVerdict } from './worstVerdict.ts';
import { ProductCounts } from './ProductCounts.ts';

/** What may still hold a product's units at the end of a run, each at most one unit. */
interface Open {
  unresolvedKeys: number;
  pendingOrders: number;
  kafkaLag: number;
  drainUnfinished: boolean;
}

const units = (o: Open) => o.unresolvedKeys + o.pendingOrders + o.kafkaLag;

function describeOpen(o: Open): string {
  const parts = [
    o.drainUnfinished ? 'the drain unfinished' : '',
    o.unresolvedKeys ? `${o.unresolvedKeys} key(s) no retry resolved` : '',
    o.pendingOrders ? `${o.pendingOrders} order(s) still in flight in Redis` : '',
    o.kafkaLag ? `Kafka lag ${o.kafkaLag}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing (drain finished, every key resolved, no order in flight in Redis, Kafka lag 0)';
}

/**
 * After heal and drain, every unit is either sold or back on sale: initial = confirmed + Redis,
 * and PostgreSQL's stock = initial − confirmed. Phantom units (more than initial) and PostgreSQL
 * drift fail. A leaked unit fails unless something still open at the end may hold it: an unknown
 * request whose Idempotency-Key no retry resolved, an order still in flight in Redis, a message
 * the worker has not consumed (each at most one unit), or an unfinished drain (any number). The
 * system settles every other open outcome by itself (a retry with the key, the orphan takeover), so
 * once none is left a leak is a bug. A missing Redis key makes the product unknown.
 * Once the API rebuilt a sale in Redis from PostgreSQL after a Redis primary change (a promoted
 * replica may have missed decrements and give-backs), PostgreSQL is the authority: Redis must hold
 * PostgreSQL's stock, less what is still open.
 */
export function conservation(input: CheckInput): CheckResult {
  const products = new Map(input.final.products.map((p) => [p.productId, p]));
  const unresolvedKeys = new Map([...groupBy(unresolvedRequests(input.history), (e) => e.productId)].map(([id, entries]) => [id, new Set(entries.map((e) => e.key)).size]));
  const kafkaLag = Math.max(0, input.final.kafkaLag);
  const counts = { products: 0, rebuiltProducts: 0, leakedUnits: 0, phantomUnits: 0, unexplainedLeaks: 0, redisMissing: 0, dbDrift: 0, unresolvedKeys: 0, pendingOrders: 0, kafkaLag };
  const verdicts: Verdict[] = [];
  const byProduct = new ProductCounts();
  const witnesses: Witness[] = [];
  for (const [productId, orders] of confirmedByProduct(input)) {
    counts.products++;
    const initial = input.initialStock[productId] ?? 0;
    const sold = orders.length;
    const row = products.get(productId);
    const open: Open = { unresolvedKeys: unresolvedKeys.get(productId) ?? 0, pendingOrders: row?.pendingOrders ?? 0, kafkaLag, drainUnfinished: !input.final.drained };
    counts.unresolvedKeys += open.unresolvedKeys;
    counts.pendingOrders += open.pendingOrders;
    const dbRow = row ? `products(stock=${row.dbStock}, confirmed=${row.dbConfirmed}, rejected=${row.dbRejected})` : 'no products row';
    const witness = (note: string) => witnesses.push({ productId, dbRow, note });
    if (!row || row.dbStock !== initial - sold) {
      counts.dbDrift++;
      byProduct.add(productId, 'dbDrift');
      verdicts.push('fail');
      witness(`PostgreSQL stock ${row?.dbStock ?? 'missing'} ≠ initial ${initial} − confirmed ${sold}`);
    }
    const redis = row?.redisStock ?? null;
    if (redis === null) {
      counts.redisMissing++;
      byProduct.add(productId, 'redisMissing');
      verdicts.push('unknown');
      witness(`no stock key in Redis (restarted empty and not reseeded?); initial ${initial}, confirmed ${sold}`);
      continue;
    }
    const rebuilt = (row?.redisRebuilds ?? 0) > 0;
    if (rebuilt) counts.rebuiltProducts++;
    const authority = rebuilt ? row!.dbStock : initial - sold;
    const leaked = authority - redis;
    if (leaked === 0) continue;
    const rest = `Redis ${redis} ${leaked > 0 ? '+' : '−'} ${Math.abs(leaked)} ${leaked > 0 ? 'leaked' : 'phantom'}`;
    const equation = rebuilt ? `PostgreSQL stock ${authority} (Redis rebuilt from it ${row!.redisRebuilds}×) = ${rest}` : `initial ${initial} = confirmed ${sold} + ${rest}`;
    if (leaked < 0) {
      counts.phantomUnits -= leaked;
      byProduct.add(productId, 'phantomUnits', -leaked);
      verdicts.push('fail');
      witness(equation);
      continue;
    }
    counts.leakedUnits += leaked;
    byProduct.add(productId, 'leakedUnits', leaked);
    const explained = open.drainUnfinished || leaked <= units(open);
    if (!explained) counts.unexplainedLeaks += leaked;
    if (!explained) byProduct.add(productId, 'unexplainedLeaks', leaked);
    verdicts.push(explained ? 'unknown' : 'fail');
    witness(`${equation}; still open: ${describeOpen(open)}`);
  }
  const verdict = worstVerdict(verdicts);
  const stillOpen = describeOpen({ ...counts, drainUnfinished: !input.final.drained });
  const leakedUnknown = `${counts.leakedUnits} unit(s) are neither sold nor back on sale, no more than what is still open may hold: ${stillOpen}`;
  const summaries: Record<Verdict, string> = {
    pass: `Every unit of ${counts.products} product(s) is sold or back on sale, and PostgreSQL agrees.`,
    unknown: counts.redisMissing
      ? `${counts.redisMissing} product(s) have no stock key in Redis, so their units cannot be accounted for${counts.leakedUnits ? `; ${leakedUnknown}` : ''}.`
      : `${leakedUnknown}.`,
    fail: `${counts.unexplainedLeaks} unit(s) leaked beyond what is still open (${stillOpen}), ${counts.phantomUnits} phantom unit(s), ${counts.dbDrift} product(s) where PostgreSQL stock disagrees with its orders.`,
  };
  return { name: 'conservation', verdict, summary: summaries[verdict], counts, ...byProduct.result(), witnesses: firstWitnesses(witnesses) };
}
