import { orderMessage, ordersTopic } from '@flux-gate/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, ListOffsetTimestamps, Producer, stringSerializer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { KafkaNotSent } from './KafkaNotSent.ts';
import type { OrderRecord } from './OrderBatcher.ts';
import { orderPartition } from './orderPartition.ts';
import { ProduceRequestCounter } from './ProduceRequestCounter.ts';

export interface OrderProducerOptions {
  brokers: string[];
  clientId: string;
  /** Request, connection and ack timeout. */
  timeoutMs: number;
  /** Idempotent producers, each on its own connection, each carrying one send at a time. */
  producers: number;
  partitions: number;
  /**
   * 'all' (the in-sync replicas, idempotent); 'leader' is the deliberately broken
   * FLUXGATE_BROKEN_LEADER_ONLY_ACKS: acks=1, not idempotent, so an order the leader took and lost
   * before a follower copied it is acked and gone.
   */
  acks?: 'all' | 'leader';
  log: Logger;
}

type OrdersProducer = Producer<string, Buffer, Buffer, Buffer>;

/** The worker group's progress on `orders`, as one look at the offsets found it. */
export interface GroupOffsets {
  /** Orders not yet committed by the group, summed over the partitions. */
  readonly total: number;
  /**
   * The end offset (high watermark) read of each partition that may hold the product's orders: the
   * one orderPartition names, or every partition when the topic's partition count is no longer the
   * one the producers send by.
   */
  ends(productId: string): Map<number, bigint>;
  /** Whether the group had committed, on each partition, at least these offsets when the look read them. */
  storedPast(ends: ReadonlyMap<number, bigint>): boolean;
}

/** The topic the producers warm up on: nothing reads it, and it keeps its records for a minute. */
export const warmupTopic = 'fluxgate-warmup';
const warmupValue = Buffer.alloc(64);

/**
 * The Kafka side of the API: a few idempotent producers with acks=all on the `orders` topic, each
 * carrying one send at a time: a send takes a producer that has none in flight, or waits for one.
 * @platformatic/kafka 2.12.1 takes a send's producer id when the send starts and its sequence
 * numbers once the topic's metadata is at hand; a send on the same producer that fails in between
 * resets the sequences, so the waiting send is numbered again from 0 under the old producer id and
 * the broker acks it as a duplicate of an earlier batch without writing it (test/sequenceReuse.test.ts).
 * Several producers are there for throughput: each keeps one produce request in flight.
 * A failed send is a certain refusal (KafkaNotSent) only when its producer wrote no Produce request
 * while it was on its way (ProduceRequestCounter); otherwise its outcome is open.
 */
export class OrderProducer {
  readonly #probe: Admin;
  readonly #producers: OrdersProducer[];
  /** Producers with no send in flight, the one idle longest first. */
  readonly #idle: OrdersProducer[];
  /** Sends waiting for a producer to become idle, oldest first. */
  readonly #waiting: ((producer: OrdersProducer) => void)[] = [];
  readonly #written = new ProduceRequestCounter();
  /** The orders topic's partition count, read by connect(): every send places each product's orders by it. */
  #partitionsCount: number | undefined;
  #closed = false;

  constructor(readonly options: OrderProducerOptions) {
    const base = {
      clientId: options.clientId,
      bootstrapBrokers: options.brokers,
      connectTimeout: options.timeoutMs,
      timeout: options.timeoutMs,
      // Two retries, 100 ms then 200 ms apart. (An idempotent producer given 0 or 1 retries would
      // retry forever, and a send during an outage would never fail.)
      retries: 2,
      retryDelay: (_client: unknown, _operation: string, attempt: number) => Math.min(1_000, 100 * 2 ** (attempt - 1)),
    };
    this.#probe = new Admin({ ...base, retries: 0 });
    this.#producers = Array.from(
      { length: options.producers },
      (): OrdersProducer =>
        new Producer({
          ...base,
          ...(options.acks === 'leader' ? { idempotent: false, acks: 1 } : { idempotent: true, acks: -1 }),
          autocreateTopics: false,
          serializers: { key: stringSerializer },
        }),
    );
    this.#idle = [...this.#producers];
    for (const client of [this.#probe, ...this.#producers]) {
      client.on('client:broker:failed', (payload) => options.log.warn({ broker: payload.broker }, 'Kafka connection failed'));
    }
  }

  /** Creates the orders topic unless it exists. */
  async ensureTopic(): Promise<void> {
    if ((await this.#probe.listTopics()).includes(ordersTopic)) return;
    await this.#probe.createTopics({ topics: [ordersTopic], partitions: this.options.partitions }).catch(async (err: Error) => {
      // Another instance created it in between.
      if (!(await this.#probe.listTopics()).includes(ordersTopic)) throw err;
    });
  }

  /**
   * Takes the producers' ids and the orders topic's metadata now rather than on the first orders, so
   * every producer's first send writes its Produce request at once (call after ensureTopic), and
   * reads the topic's partition count, by which every send places its orders. A cluster
   * that has just started refuses producer ids for a few seconds (its controller has not handed the
   * brokers a block of ids yet): this asks again every 500 ms for up to `startupMs`.
   */
  async connect(startupMs = 30_000): Promise<void> {
    const deadline = Date.now() + startupMs;
    await Promise.all(
      this.#producers.map(async (p) => {
        for (;;) {
          try {
            if (this.options.acks === 'leader') break;
            await p.initIdempotentProducer({});
            break;
          } catch (err) {
            if (Date.now() >= deadline) throw err;
            this.options.log.info({ err: (err as Error).message }, 'Kafka refused a producer id; asking again');
            await sleep(500);
          }
        }
        await p.metadata({ topics: [ordersTopic] });
      }),
    );
    this.#partitionsCount = await this.#partitionsCountOf(ordersTopic, true);
  }

  /** A topic's partition count in the client's metadata (asked of the cluster again with forceUpdate). */
  async #partitionsCountOf(topic: string, forceUpdate: boolean): Promise<number> {
    const found = (await this.#probe.metadata({ topics: [topic], forceUpdate })).topics.get(topic);
    if (!found) throw new Error(`the Kafka metadata has no topic ${topic}`);
    return found.partitionsCount;
  }

  /**
   * Produces one batch of encoded orders to `orders` with acks=all, the orders of one product packed
   * into as few records as fit maxMessageBytes; resolves on the ack. Rejects with KafkaNotSent when
   * no Produce request of the batch reached a socket; any other rejection leaves the batch's fate
   * open, since the broker may have written it and only its answer was lost.
   */
  readonly send = async (orders: OrderRecord[]): Promise<void> => {
    const partitionsCount = this.#partitionsCount;
    if (partitionsCount === undefined) throw new KafkaNotSent(new Error('the producer is not connected (OrderProducer.connect)'));
    // Each product's orders go to orderPartition's partition, set here rather than by the client's
    // partitioner, so the rebuild of a fenced sale looks at the very partition they went to.
    const messages = packByKey(orders).map((m) => ({ topic: ordersTopic, key: m.key, value: m.value, partition: orderPartition(m.key, partitionsCount) }));
    const producer = await this.#acquire();
    const writtenBefore = this.#written.written(producer.instanceId);
    try {
      await producer.send({ messages });
    } catch (err) {
      throw this.#written.written(producer.instanceId) === writtenBefore ? new KafkaNotSent(err) : err;
    } finally {
      this.#release(producer);
    }
  };

  /** A producer with no send in flight, once there is one (sends waiting are served oldest first). */
  async #acquire(): Promise<OrdersProducer> {
    return this.#idle.shift() ?? (await new Promise<OrdersProducer>((resolve) => this.#waiting.push(resolve)));
  }

  #release(producer: OrdersProducer): void {
    const next = this.#waiting.shift();
    if (next) next(producer);
    else this.#idle.push(producer);
  }

  /**
   * Makes `sends` sends of one small record per producer to the warm-up topic, created here if
   * missing with as many partitions as the orders topic, so that the first orders of a sale find the
   * Produce path warm: the client's encoding and the broker's handling of acks=all Produce requests,
   * which V8 and the broker's JIT otherwise compile while the first orders wait. The sends go to the
   * partitions in turn, so each producer opens its connection to every broker that leads one and
   * every such broker serves acks=all Produce requests before the sale (with one partition, one
   * broker did, and the first orders for the others' partitions met a cold broker and a connection
   * still to open). Each warm-up send takes a producer as an order's send does, so it may run while
   * the API serves: an order waits at most for one warm-up send on its producer. Stops early once
   * close() was called.
   */
  async warmUp(sends: number): Promise<void> {
    if (sends <= 0) return;
    if (!(await this.#probe.listTopics()).includes(warmupTopic)) {
      await this.#probe
        .createTopics({ topics: [warmupTopic], partitions: this.options.partitions, configs: [{ name: 'retention.ms', value: '60000' }] })
        .catch(async (err: Error) => {
          if (!(await this.#probe.listTopics()).includes(warmupTopic)) throw err;
        });
    }
    const partitions = await this.#newTopicPartitionsCount(warmupTopic);
    await Promise.all(
      this.#producers.map(async () => {
        for (let i = 0; i < sends && !this.#closed; i++) {
          const producer = await this.#acquire();
          try {
            await producer.send({ messages: [{ topic: warmupTopic, partition: i % partitions, key: 'warmup', value: warmupValue }] });
          } finally {
            this.#release(producer);
          }
        }
      }),
    );
  }

  /**
   * The partition count of a topic just created: a broker that has not heard of the new topic yet
   * answers "unknown topic", so this asks again every 200 ms, for up to 5 s.
   */
  async #newTopicPartitionsCount(topic: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#partitionsCountOf(topic, true);
      } catch (err) {
        if (attempt >= 25 || this.#closed) throw err;
        await sleep(200);
      }
    }
  }

  /** Resolves if a broker answers a metadata request. */
  async ping(): Promise<void> {
    await this.#probe.metadata({ topics: [], forceUpdate: true });
  }

  /** Orders in the topic a consumer group has not committed yet (its lag, summed over partitions). */
  async groupLag(groupId: string): Promise<number> {
    return (await this.groupOffsets(groupId)).total;
  }

  /**
   * One look at the group's progress on every partition of the orders topic: each partition's end
   * offset (its high watermark, which every acked send is below) and the group's committed offset,
   * or the partition's start where the group has committed none. The lag of a partition is their
   * difference, 0 when the commit is past the end read (the lists are read side by side).
   */
  async groupOffsets(groupId: string): Promise<GroupOffsets> {
    const partitionsCount = await this.#partitionsCountOf(ordersTopic, false);
    const indexes = Array.from({ length: partitionsCount }, (_, i) => i);
    const partitions = (timestamp: bigint) => indexes.map((partitionIndex) => ({ partitionIndex, timestamp }));
    const [[high], [low], [group]] = await Promise.all([
      this.#probe.listOffsets({ topics: [{ name: ordersTopic, partitions: partitions(ListOffsetTimestamps.LATEST) }] }),
      this.#probe.listOffsets({ topics: [{ name: ordersTopic, partitions: partitions(ListOffsetTimestamps.EARLIEST) }] }),
      this.#probe.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: ordersTopic, partitionIndexes: indexes }] }] }),
    ]);
    const committed = new Map((group?.topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
    const starts = new Map((low?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
    const ends = new Map((high?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
    if (ends.size !== partitionsCount) throw new Error(`the end offsets of ${ordersTopic} came back for ${ends.size} of its ${partitionsCount} partitions`);
    const stored = new Map(indexes.map((i) => {
      const at = committed.get(i);
      return [i, at === undefined || at < 0n ? (starts.get(i) ?? 0n) : at];
    }));
    const total = indexes.reduce((sum, i) => sum + Math.max(0, Number(ends.get(i)! - stored.get(i)!)), 0);
    const sendsBy = this.#partitionsCount;
    return {
      total,
      ends: (productId) => {
        const of = sendsBy === partitionsCount ? [orderPartition(productId, partitionsCount)] : indexes;
        return new Map(of.map((i) => [i, ends.get(i)!]));
      },
      storedPast: (past) => [...past].every(([i, end]) => stored.has(i) && stored.get(i)! >= end),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#written.close();
    await Promise.allSettled([...this.#producers.map((p) => p.close()), this.#probe.close()]);
  }
}


/** Below the broker's default message.max.bytes (1 MiB), with room for the record's overhead. */
const maxMessageBytes = 512 * 1024;

/** Packs the values of messages with the same key into records of at most maxMessageBytes, in order. */
function packByKey(messages: OrderRecord[]): OrderRecord[] {
  const byKey = new Map<string, { values: Buffer[]; bytes: number }[]>();
  for (const { key, value } of messages) {
    let runs = byKey.get(key);
    if (!runs) byKey.set(key, (runs = []));
    let run = runs.at(-1);
    if (!run || run.bytes + value.length + 1 > maxMessageBytes) runs.push((run = { values: [], bytes: 0 }));
    run.values.push(value);
    run.bytes += value.length + 1;
  }
  const packed: OrderRecord[] = [];
  for (const [key, runs] of byKey) for (const run of runs) packed.push({ key, value: orderMessage(run.values) });
  return packed;
}
