import type { FinalOrder } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';

const offsetOrder = (a: FinalOrder, b: FinalOrder) =>
  (a.kafkaPartition ?? Infinity) - (b.kafkaPartition ?? Infinity) || Number(BigInt(a.kafkaOffset ?? '0') - BigInt(b.kafkaOffset ?? '0'));

/**
 * Confirmed order rows per product, in Kafka order, for every product that was on sale or has an
 * order (a product with orders but no initial stock has 0 units).
 */
export function confirmedByProduct(input: CheckInput): Map<string, FinalOrder[]> {
  const confirmed = groupBy(
    input.final.orders.filter((o) => o.status === 'confirmed'),
    (o) => o.productId,
  );
  for (const productId of Object.keys(input.initialStock)) if (!confirmed.has(productId)) confirmed.set(productId, []);
  for (const list of confirmed.values()) list.sort(offsetOrder);
  return confirmed;
}
