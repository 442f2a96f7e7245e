import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';

const required = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://flux@127.0.0.1:5432/fluxgate' };

describe('loadConfig', () => {
  it('fills every default', () => {
    expect(loadConfig(required)).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], groupId: 'inventory-worker', ordersPartitions: 4, brokenNonIdempotent: false, brokenOffsetBeforeCommit: false });
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({})).toThrow(/KAFKA_BROKERS is required.*DATABASE_URL is required/);
    expect(() => loadConfig({ ...required, BATCH_MAX: '0' })).toThrow(/BATCH_MAX/);
    expect(() => loadConfig({ ...required, KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS must be host:port/);
  });

  it('turns the broken mode on only outside production', () => {
    expect(loadConfig({ ...required, FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER: '1' }).brokenNonIdempotent).toBe(true);
    expect(() => loadConfig({ ...required, FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER: '1', NODE_ENV: 'production' })).toThrow(/refused when NODE_ENV=production/);
    expect(loadConfig({ ...required, FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT: '1' })).toMatchObject({ brokenOffsetBeforeCommit: true, brokenNonIdempotent: false });
    expect(() => loadConfig({ ...required, FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT: '1', NODE_ENV: 'production' })).toThrow(/FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT is refused when NODE_ENV=production/);
  });
});
