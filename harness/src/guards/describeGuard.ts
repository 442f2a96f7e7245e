import type { GuardSpec } from '@flux-gate/run-format';

const duration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
const held = (ms: number) => (ms > 0 ? ` for ${duration(ms)}` : '');

/** "error rate above 50% for 5s", "Redis stock below 0", "Kafka lag above 10000 for 2s". */
export function describeGuard(guard: GuardSpec): string {
  switch (guard.kind) {
    case 'error_rate':
      return `error rate above ${+(guard.above * 100).toFixed(2)}%${held(guard.for)}${guard.window === 1000 ? '' : ` (over ${duration(guard.window)})`}`;
    case 'redis_stock_below':
      return `Redis stock below ${guard.value}${held(guard.for)}`;
    case 'kafka_lag_above':
      return `Kafka lag above ${guard.value}${held(guard.for)}`;
  }
}
