import type { DeadLetterReason } from '@flux-gate/contracts';
import type { CheckResult, PoisonKind, RecordEntry, Verdict, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { firstWitnesses } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

/** The dead-letter reasons that are right for each kind of planted poison. */
const expectedReasons: Record<PoisonKind, readonly DeadLetterReason[]> = {
  malformed_json: ['malformed'],
  missing_field: ['missing_field'],
  unknown_product: ['unknown_product'],
  duplicate_order_id: ['duplicate_order_id'],
  // Its 1 MiB userId is over the worker's 256-character limit for an id.
  oversized_value: ['invalid_field'],
};

const at = (r: { partition?: number; offset?: string }) => `${r.partition}:${r.offset}`;

const recordWitness = (r: RecordEntry, note: string): Witness => ({
  ...(r.orderId ? { orderId: r.orderId } : {}),
  ...(r.userId ? { userId: r.userId } : {}),
  productId: r.productId,
  kafkaOffset: at(r),
  note: r.poison ? `${r.poison}: ${note}` : note,
});

/**
 * For a Kafka-side load: every good record the broker acked has its order row (same user), and every
 * acked bad record was set aside in dead_letters, at its offset, with a fitting reason, and stored no
 * order. A good record set aside is a failure too. Records without an ack are counted, not judged.
 * Missing rows fail only if the worker drained; otherwise they may still be on their way (unknown).
 */
export function recordsStored(input: CheckInput): CheckResult {
  const acked = input.records.filter((r) => r.outcome === 'ok');
  const openRecords = input.records.filter((r) => r.outcome === 'unknown').length;
  const orders = new Map(input.final.orders.map((o) => [o.orderId, o]));
  const dead = new Map<string, string[]>();
  for (const d of input.final.deadLetters ?? []) dead.set(at(d), [...(dead.get(at(d)) ?? []), d.reason]);

  const missing: Witness[] = [];
  const wronglySetAside: Witness[] = [];
  const notSetAside: Witness[] = [];
  const storedPoison: Witness[] = [];
  let good = 0;
  let poison = 0;
  for (const r of acked) {
    const reasons = dead.get(at(r)) ?? [];
    if (!r.poison) {
      good++;
      const row = r.orderId ? orders.get(r.orderId) : undefined;
      if (reasons.length) wronglySetAside.push(recordWitness(r, `a good record set aside as ${reasons.join(', ')}`));
      else if (!row || row.userId !== r.userId) missing.push(recordWitness(r, row ? `its order id holds user ${row.userId}` : 'acked, but no row in orders'));
      continue;
    }
    poison++;
    if (!reasons.some((reason) => (expectedReasons[r.poison!] as readonly string[]).includes(reason))) {
      notSetAside.push(recordWitness(r, reasons.length ? `set aside as ${reasons.join(', ')}, expected ${expectedReasons[r.poison].join(' or ')}` : 'not in dead_letters'));
    }
    const row = r.orderId ? orders.get(r.orderId) : undefined;
    if (row && (r.poison !== 'duplicate_order_id' || row.userId === r.userId)) storedPoison.push({ ...recordWitness(r, 'stored as an order'), dbRow: `orders(${row.status}, user ${row.userId})` });
  }
  const broken = missing.length + wronglySetAside.length + notSetAside.length + storedPoison.length;
  const byProduct = new ProductCounts();
  const figures = { missing, wronglySetAside, notSetAside, storedPoison };
  for (const [figure, list] of Object.entries(figures)) for (const w of list) byProduct.add(w.productId ?? '', figure);
  const verdict: Verdict = acked.length === 0 ? 'unknown' : broken === 0 ? 'pass' : input.final.drained || wronglySetAside.length + storedPoison.length > 0 ? 'fail' : 'unknown';
  const summary =
    verdict === 'pass'
      ? `All ${good} acked good record(s) are stored and all ${poison} bad one(s) were set aside in dead_letters with a fitting reason${openRecords ? `; ${openRecords} record(s) without an ack not judged` : ''}.`
      : acked.length === 0
        ? 'The broker acked no record: nothing to check.'
        : `${missing.length} good record(s) missing from orders, ${wronglySetAside.length} good record(s) set aside, ${notSetAside.length} bad record(s) not set aside as expected, ${storedPoison.length} bad record(s) stored as orders${verdict === 'unknown' ? ` (the worker did not drain, lag ${input.final.kafkaLag})` : ''}.`;
  return {
    name: 'records_stored',
    verdict,
    summary,
    counts: { acked: acked.length, good, poison, open: openRecords, missing: missing.length, wronglySetAside: wronglySetAside.length, notSetAside: notSetAside.length, storedPoison: storedPoison.length },
    ...byProduct.result(),
    witnesses: firstWitnesses([...wronglySetAside, ...storedPoison, ...notSetAside, ...missing]),
  };
}
