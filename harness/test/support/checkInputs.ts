import type { FaultRecord, FinalOrder, HistoryEntry } from '@flux-gate/run-format';
import type { CheckInput } from '../../src/checkers/index.ts';

/** Fixtures of the checker tests: product p1 with 3 units, u1–u3 buy them, u4 and u5 are told sold out. */
let clock = 0;
export const request = (userId: string, status: number, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  ts: ++clock,
  latencyMs: 5,
  userId,
  productId: 'p1',
  key: `key-${userId}`,
  status,
  outcome: status === 200 ? 'ok' : status === 0 ? 'unknown' : 'fail',
  attempt: 1,
  ...(status === 409 ? { error: 'sold_out' } : status === 0 ? { error: 'timeout' } : {}),
  ...fields,
});
export const order = (orderId: string, userId: string, offset: number, status: FinalOrder['status'] = 'confirmed'): FinalOrder => ({
  orderId,
  userId,
  productId: 'p1',
  status,
  reason: status === 'rejected' ? 'sold_out' : null,
  kafkaPartition: 0,
  kafkaOffset: String(offset),
});
export const fault: FaultRecord = { id: 'kill-worker', kind: 'kill', target: 'worker', label: 'kill worker', injectedAt: 1, healedAt: 2 };

/** Product p1 with 3 units; u1–u3 buy them, u4 and u5 are told sold out. */
export function clean(): CheckInput {
  return {
    history: [
      request('u1', 200, { orderId: 'o1' }),
      request('u2', 200, { orderId: 'o2' }),
      request('u3', 200, { orderId: 'o3' }),
      request('u4', 409),
      request('u5', 409),
    ],
    dropped: 0,
    records: [],
    thresholds: { errorRate: 0, p99Ms: 1000, dropped: 0 },
    faults: [],
    final: {
      readAt: 100,
      products: [{ productId: 'p1', initialStock: 3, redisStock: 0, dbStock: 0, dbConfirmed: 3, dbRejected: 0 }],
      orders: [order('o1', 'u1', 0), order('o2', 'u2', 1), order('o3', 'u3', 2)],
      kafkaMessages: 3,
      kafkaLag: 0,
      drained: true,
    },
    initialStock: { p1: 3 },
    perUserLimit: 1,
  };
}
export const variant = (change: (input: CheckInput) => void): CheckInput => {
  const input = structuredClone(clean());
  change(input);
  return input;
};
export const product = (input: CheckInput) => input.final.products[0]!;
