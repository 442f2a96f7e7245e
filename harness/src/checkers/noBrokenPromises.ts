import type { CheckResult, HistoryEntry, Verdict, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { firstWitnesses, requestWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

/**
 * A buyer answered 200 "accepted" was promised the unit. The promise is broken when PostgreSQL
 * stored that order as rejected (the system of record had no unit for it: Redis sold one already
 * sold, as a promoted replica that missed acknowledged decrements does), or never stored it once
 * the worker drained with nothing left in Kafka. Each broken promise fails; an order with no row
 * yet while the drain is unfinished or Kafka still holds messages is unknown.
 */
export function noBrokenPromises(input: CheckInput): CheckResult {
  const rows = new Map(input.final.orders.map((o) => [o.orderId, o]));
  const accepted = new Map<string, HistoryEntry>();
  for (const e of input.history) if (e.outcome === 'ok' && e.orderId) accepted.set(e.orderId, e);
  const rejected: Witness[] = [];
  const missing: HistoryEntry[] = [];
  for (const [orderId, e] of accepted) {
    const row = rows.get(orderId);
    if (row?.status === 'rejected') rejected.push({ ...requestWitness(e, `answered 200, then stored as rejected (${row.reason ?? 'no reason'})`), dbRow: `orders(status=rejected, reason=${row.reason})` });
    else if (!row) missing.push(e);
  }
  const settled = input.final.drained && input.final.kafkaLag <= 0;
  const byProduct = new ProductCounts();
  for (const w of rejected) byProduct.add(w.productId!, 'brokenPromises');
  for (const e of missing) byProduct.add(e.productId, settled ? 'brokenPromises' : 'acceptedButMissing');
  const broken = rejected.length + (settled ? missing.length : 0);
  const verdict: Verdict = broken > 0 ? 'fail' : missing.length > 0 ? 'unknown' : 'pass';
  const summaries: Record<Verdict, string> = {
    fail: `${broken} of ${accepted.size} buyer(s) answered "accepted" were let down: ${rejected.length} order(s) rejected by PostgreSQL${settled ? `, ${missing.length} never stored` : ''}.`,
    unknown: `${missing.length} accepted order(s) have no row yet, but the worker did not drain (lag ${input.final.kafkaLag}); none was rejected.`,
    pass: `Every one of ${accepted.size} accepted order(s) is stored as confirmed.`,
  };
  return {
    name: 'no_broken_promises',
    verdict,
    summary: summaries[verdict],
    counts: { accepted: accepted.size, brokenPromises: broken, acceptedButRejected: rejected.length, acceptedButMissing: missing.length },
    ...byProduct.result(),
    witnesses: firstWitnesses([...rejected, ...missing.map((e) => requestWitness(e, settled ? 'answered 200, never stored after the drain' : 'answered 200, no row yet (drain unfinished)'))]),
  };
}
