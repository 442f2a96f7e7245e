import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';

describe('loadConfig', () => {
  it('fills every default and generates an admin token outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      kafkaBrokers: ['127.0.0.1:9092'],
      perUserLimit: 1,
      rateLimit: { perSec: 20_000, burst: 2_000 },
      timeouts: { redisMs: 250, kafkaMs: 2_000, databaseMs: 2_000 },
      kafka: { lingerMs: 0, maxBatch: 1_000, partitions: 4, producers: 2, warmupSends: 200 },
      takeover: { leaseMs: 10_000, sweepMs: 1_000 },
      broken: { nonAtomicStock: false, ackBeforeKafka: false, noPerUserLimit: false, ignoreIdempotencyKey: false, doubleGiveBack: false, noGiveBack: false, reseedIgnoresInFlight: false, randomAdmission: false },
      waitingRoom: { ratePerSec: 20_000, tokenTtlMs: 60_000 },
      workerGroupId: 'inventory-worker',
      adminTokenGenerated: true,
    });
    expect(config.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(config.waitingRoom.secret).toContain(config.adminToken);
  });

  it('parses the variables it is given', () => {
    const config = loadConfig({ PORT: '0', KAFKA_BROKERS: 'a:1, b:2', RATE_LIMIT_PER_SEC: '50', ADMIN_TOKEN: 'x'.repeat(20), FLUXGATE_BROKEN_ACK_BEFORE_KAFKA: '1' });
    expect(config).toMatchObject({ port: 0, kafkaBrokers: ['a:1', 'b:2'], rateLimit: { perSec: 50 }, adminTokenGenerated: false, broken: { ackBeforeKafka: true } });
    expect(loadConfig({ KAFKA_TIMEOUT_MS: '500' }).takeover.leaseMs).toBe(4_000);
    expect(loadConfig({ ORDER_LEASE_MS: '700', ORDER_SWEEP_MS: '0' }).takeover).toEqual({ leaseMs: 700, sweepMs: 0 });
    const secret = 's'.repeat(32);
    expect(loadConfig({ WAITING_ROOM_SECRET: secret, WAITING_ROOM_RATE_PER_SEC: '300', WAITING_ROOM_TOKEN_TTL_SEC: '5' }).waitingRoom).toEqual({ secret, ratePerSec: 300, tokenTtlMs: 5_000 });
    expect(loadConfig({ RATE_LIMIT_PER_SEC: '70' }).waitingRoom.ratePerSec).toBe(70);
  });

  it('finds Redis through Sentinels when REDIS_SENTINELS is set, and refuses a Sentinel without a port', () => {
    expect(loadConfig({}).redisSentinels).toBeUndefined();
    expect(loadConfig({ REDIS_SENTINELS: '127.0.0.1:26379, s2:26380', REDIS_SENTINEL_NAME: 'sale' }).redisSentinels).toEqual({
      sentinels: [
        { host: '127.0.0.1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'sale',
    });
    expect(loadConfig({ REDIS_SENTINELS: 's1:1' }).redisSentinels?.name).toBe('flux-gate');
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:1,s2' })).toThrow(/REDIS_SENTINELS: expected host:port/);
  });

  it('finds a Redis Cluster from REDIS_CLUSTER_NODES, waits for the shard replica and fences there, and refuses it beside Sentinels', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:6379' }).redisCluster).toEqual([
      { host: '10.0.0.1', port: 6379 },
      { host: '10.0.0.2', port: 6379 },
    ]);
    expect(loadConfig({}).redisCluster).toBeUndefined();
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r1:1' }).redisDurability).toEqual({ waitReplicas: 1, waitMs: 100, fencing: true });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1' })).toThrow(/REDIS_CLUSTER_NODES: expected host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:1', REDIS_SENTINELS: 's1:1' })).toThrow(/REDIS_CLUSTER_NODES: set either REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both/);
  });

  it('waits for a replica and fences on the replicated shape only, unless told otherwise; no-fencing turns both off', () => {
    expect(loadConfig({}).redisDurability).toEqual({ waitReplicas: 0, waitMs: 100, fencing: false });
    expect(loadConfig({ REDIS_SENTINELS: 's1:1' }).redisDurability).toEqual({ waitReplicas: 1, waitMs: 100, fencing: true });
    expect(loadConfig({ REDIS_SENTINELS: 's1:1', REDIS_WAIT_REPLICAS: '2', REDIS_FENCING: '0' }).redisDurability).toEqual({ waitReplicas: 2, waitMs: 100, fencing: false });
    expect(loadConfig({ REDIS_SENTINELS: 's1:1', FLUXGATE_BROKEN_NO_FENCING: '1' }).redisDurability).toEqual({ waitReplicas: 0, waitMs: 100, fencing: false });
    expect(() => loadConfig({ REDIS_WAIT_MS: '250' })).toThrow(/REDIS_WAIT_MS: must be below REDIS_TIMEOUT_MS \(250\)/);
    expect(() => loadConfig({ REDIS_WAIT_REPLICAS: '-1' })).toThrow(/REDIS_WAIT_REPLICAS: expected an integer >= 0/);
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(16), FLUXGATE_BROKEN_LEADER_ONLY_ACKS: '1' })).toThrow(/FLUXGATE_BROKEN_LEADER_ONLY_ACKS: a deliberately broken mode is refused/);
  });

  it('names every bad variable', () => {
    const bad = () => loadConfig({ PORT: 'http', RATE_LIMIT_BURST: '0', KAFKA_BROKERS: 'nohost', REDIS_URL: 'http://x', FLUXGATE_BROKEN_NON_ATOMIC_STOCK: 'yes', WAITING_ROOM_SECRET: 'short' });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const names = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(names.sort()).toEqual(['FLUXGATE_BROKEN_NON_ATOMIC_STOCK', 'KAFKA_BROKERS', 'PORT', 'RATE_LIMIT_BURST', 'REDIS_URL', 'WAITING_ROOM_SECRET']);
      expect((err as ConfigError).problems.join('\n')).not.toContain('short');
    }
  });

  it('refuses broken modes and a missing ADMIN_TOKEN in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN: required/);
    const prod = { NODE_ENV: 'production', ADMIN_TOKEN: 'y'.repeat(20) };
    expect(loadConfig(prod).production).toBe(true);
    expect(() => loadConfig({ ...prod, FLUXGATE_BROKEN_NON_ATOMIC_STOCK: '1' })).toThrow(/FLUXGATE_BROKEN_NON_ATOMIC_STOCK: a deliberately broken mode is refused/);
    expect(() => loadConfig({ ...prod, FLUXGATE_BROKEN_ACK_BEFORE_KAFKA: 'true' })).toThrow(/FLUXGATE_BROKEN_ACK_BEFORE_KAFKA/);
    expect(() => loadConfig({ ...prod, FLUXGATE_BROKEN_RANDOM_ADMISSION: '1' })).toThrow(/FLUXGATE_BROKEN_RANDOM_ADMISSION: a deliberately broken mode is refused/);
    const modes = {
      FLUXGATE_BROKEN_NO_PER_USER_LIMIT: 'noPerUserLimit',
      FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY: 'ignoreIdempotencyKey',
      FLUXGATE_BROKEN_DOUBLE_GIVE_BACK: 'doubleGiveBack',
      FLUXGATE_BROKEN_NO_GIVE_BACK: 'noGiveBack',
      FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT: 'reseedIgnoresInFlight',
    } as const;
    for (const [name, mode] of Object.entries(modes)) {
      expect(() => loadConfig({ ...prod, [name]: '1' })).toThrow(new RegExp(`${name}: a deliberately broken mode is refused when NODE_ENV=production`));
      expect(loadConfig({ [name]: '1' }).broken).toEqual({ ...loadConfig({}).broken, [mode]: true });
    }
  });
});
