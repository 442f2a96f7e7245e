import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyStartedStack, localProvider, RoleReader, type RoleReading } from '../src/index.ts';
import { waitFor } from '../src/waitFor.ts';

const topic = 'orders';

describe('RoleReader on the replicated local stack', () => {
  let stack: AnyStartedStack;
  let reader: RoleReader;
  let admin: Admin;
  beforeAll(async () => {
    stack = await localProvider.start({ topology: 'replicated', log: () => {} });
    admin = new Admin({ clientId: 'role-reader-test', bootstrapBrokers: stack.endpoints.kafkaBrokers });
    await admin.createTopics({ topics: [topic], partitions: 1 });
    reader = new RoleReader(stack.topology, stack.endpoints, topic);
  }, 120_000);
  afterAll(async () => {
    await reader?.close();
    await admin?.close();
    await stack?.stop();
  });

  /** Reads until `ok` holds of a reading (roles move a few seconds after a fault). */
  const readUntil = async (ok: (r: RoleReading) => boolean, timeoutMs = 30_000) => {
    let last: RoleReading | undefined;
    await waitFor(
      async () => {
        last = await reader.read();
        if (!ok(last)) throw new Error(`roles not there yet: ${JSON.stringify(last.holders)}`);
      },
      { timeoutMs, intervalMs: 300 },
    );
    return last!;
  };

  it('names the orders leader and its followers as Kafka does, one active controller, the Redis primary and its replicas', async () => {
    const r = await readUntil((r) => r.holders['kafka-leader'].length === 1 && r.holders['kafka-follower'].length === 2 && r.holders['kafka-controller'].length === 1);
    const partition = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)!.partitions[0]!;
    expect(r.holders['kafka-leader']).toEqual([`kafka-${partition.leader}`]);
    expect(r.holders['kafka-follower'].sort()).toEqual(partition.isr.filter((id) => id !== partition.leader).map((id) => `kafka-${id}`).sort());
    expect(['kafka-1', 'kafka-2', 'kafka-3']).toContain(r.holders['kafka-controller'][0]);
    expect(r.holders['redis-primary']).toEqual(['redis-1']);
    expect(r.holders['redis-replica']).toEqual(['redis-2', 'redis-3']);
    expect(r.nodes['redis-1']).toEqual({ roles: ['redis-primary'] });
    expect(r.nodes['sentinel-2']).toEqual({ roles: [] });
    expect(Object.values(r.nodes).some((n) => n.down)).toBe(false);
  });

  it('follows the leader to another node when the leader is killed, and reads the killed node as down', async () => {
    const before = (await reader.read()).holders['kafka-leader'][0]!;
    await stack.processes[before]!.kill();
    try {
      const down = await readUntil((r) => r.nodes[before]!.down === true, 3000);
      expect(down.holders['kafka-leader']).toEqual([before]); // read as down before the controller fences it
      const after = await readUntil((r) => r.holders['kafka-leader'].length === 1 && r.holders['kafka-leader'][0] !== before && r.nodes[before]!.down === true);
      expect(after.nodes[before]!.roles).not.toContain('kafka-leader');
    } finally {
      await stack.processes[before]!.restart();
    }
  });

  it('follows the Redis primary through a Sentinel failover', async () => {
    const [sentinel] = stack.endpoints.redisSentinels!.sentinels;
    const client = new Redis({ host: sentinel!.split(':')[0], port: Number(sentinel!.split(':')[1]) });
    try {
      expect(await client.call('SENTINEL', 'FAILOVER', stack.endpoints.redisSentinels!.name)).toBe('OK');
    } finally {
      client.disconnect();
    }
    const after = await readUntil((r) => r.holders['redis-primary'].length === 1 && r.holders['redis-primary'][0] !== 'redis-1' && r.holders['redis-replica'].includes('redis-1'));
    expect(['redis-2', 'redis-3']).toContain(after.holders['redis-primary'][0]);
  });
});
