import { Admin, compatibilityPartitioner, Producer, stringSerializer } from '@platformatic/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AnyStartedStack, localProvider, readTopicToEnd, RoleReader } from '../src/index.ts';
import { waitFor } from '../src/waitFor.ts';

const topic = 'orders';
let stack: AnyStartedStack;
beforeAll(async () => {
  stack = await localProvider.start({ topology: 'replicated', log: () => {} });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/**
 * The replicated stack's promise to a producer with the API's settings (idempotent, acks=all,
 * 2 retries): whatever it acked before, during and after its partition leader is SIGKILLed is in the
 * topic once the leader is back.
 */
it('keeps every record an idempotent acks=all producer was acked for across a leader kill', async () => {
  const admin = new Admin({ clientId: 'acked-test', bootstrapBrokers: stack.endpoints.kafkaBrokers });
  const reader = new RoleReader(stack.topology, stack.endpoints, topic);
  const producer = new Producer({
    clientId: 'acked-test',
    bootstrapBrokers: stack.endpoints.apiKafkaBrokers,
    connectTimeout: 2000,
    timeout: 2000,
    retries: 2,
    retryDelay: (_c: unknown, _o: string, attempt: number) => Math.min(1000, 100 * 2 ** (attempt - 1)),
    idempotent: true,
    acks: -1,
    autocreateTopics: false,
    partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer },
  });
  let killed: string | undefined;
  try {
    await admin.createTopics({ topics: [topic], partitions: 1 });
    await waitFor(
      async () => {
        if ((await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)!.partitions[0]!.isr.length < 3) throw new Error('replicas not in sync');
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // A cluster just started refuses producer ids for a few seconds (its coordinator is loading).
    await waitFor(() => producer.initIdempotentProducer({}), { timeoutMs: 30_000, intervalMs: 500 });
    const acked = new Set<string>();
    const sends: Promise<void>[] = [];
    const started = Date.now();
    for (let n = 0; Date.now() - started < 20_000; ) {
      if (!killed && Date.now() - started > 3000) {
        killed = (await reader.read()).holders['kafka-leader'][0]!;
        await stack.processes[killed]!.kill();
      }
      const batch = Array.from({ length: 5 }, () => `m${n++}`);
      sends.push(producer.send({ messages: batch.map((v) => ({ topic, key: 'k', value: Buffer.from(v) })) }).then(() => batch.forEach((v) => acked.add(v)), () => {}));
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.allSettled(sends);
    await stack.processes[killed!]!.restart();
    const inTopic = new Set<string>();
    await readTopicToEnd(stack.endpoints.kafkaBrokers, topic, (m) => inTopic.add(m.value?.toString() ?? ''));
    expect(acked.size).toBeGreaterThan(1000);
    expect([...acked].filter((v) => !inTopic.has(v))).toEqual([]);
  } finally {
    await Promise.allSettled([producer.close(), admin.close(), reader.close()]);
  }
}, 180_000);
