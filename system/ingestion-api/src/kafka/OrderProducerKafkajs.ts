import { orderMessage, ordersTopic } from '@flux-gate/contracts';
import { type Admin, Kafka, type Message, Partitioners, type Producer, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

export interface OrderProducerOptions {
  brokers: string[];
  clientId: string;
  /** Request, connection and ack timeout. */
  timeoutMs: number;
  /** Idempotent producers used in turn, so that many sends can be in flight at once. */
  producers: number;
  partitions: number;
  log: Logger;
}

const kafkaLevels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The Kafka side of the API: a few idempotent producers with acks=all on the `orders` topic, so
 * several sends can be in flight, never two on one producer: kafkajs numbers a send from the
 * sequence its last acked send left, so a second send while the first is still retrying reuses its
 * sequence numbers, and the broker takes it for a duplicate, acks it, and drops it. (Sends taken in
 * turn did that when a broker paused for 1.1 s answered a slow send after a faster one: orders
 * acked, never written; see docs/decisions.md.) After a send finally fails, its producer is
 * replaced: kafkajs rolls its sequence numbers back, with the same risk for the next batch.
 */
export class OrderProducerKafkajs {
  readonly #kafka: Kafka;
  readonly #probe: Admin;
  /** `busy` while a send is in flight on the slot's producer. */
  readonly #slots: Array<{ producer?: Promise<Producer>; connected?: Producer; busy?: boolean }>;

  constructor(readonly options: OrderProducerOptions) {
    const log = options.log;
    this.#kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const { message, timestamp: _t, ...extra } = entry.log;
        log[kafkaLevels[entry.level] ?? 'warn']({ ...extra, namespace: entry.namespace }, message);
      },
    });
    this.#probe = this.#kafka.admin({ retry: { retries: 0 } });
    this.#slots = Array.from({ length: options.producers }, () => ({}));
  }

  /** Creates the orders topic unless it exists. */
  async ensureTopic(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: ordersTopic, numPartitions: this.options.partitions }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  /** Connects the producers now rather than on the first orders. */
  async connect(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#producerOf(slot)));
  }

  /**
   * Produces one batch of encoded orders to `orders` with acks=all, the orders of one product packed
   * into as few records as fit maxMessageBytes; resolves on the ack.
   */
  readonly send = async (orders: Message[]): Promise<void> => {
    // The batcher keeps at most `producers` sends in flight, so an idle producer is there.
    const slot = this.#slots.find((s) => !s.busy);
    if (!slot) throw new Error(`all ${this.#slots.length} Kafka producers are busy; a send waits for one (OrderBatcher's maxInFlight)`);
    slot.busy = true;
    try {
      const producer = await this.#producerOf(slot);
      try {
        await producer.send({ topic: ordersTopic, acks: -1, timeout: this.options.timeoutMs, messages: packByKey(orders) });
      } catch (err) {
        if (slot.connected === producer) slot.producer = slot.connected = undefined;
        producer.disconnect().catch(() => undefined);
        throw err;
      }
    } finally {
      slot.busy = false;
    }
  };

  /** Resolves if a broker answers a metadata request. */
  async ping(): Promise<void> {
    await this.#probe.connect();
    await this.#probe.describeCluster();
  }

  /** Orders in the topic a consumer group has not committed yet (its lag, summed over partitions). */
  async groupLag(groupId: string): Promise<number> {
    await this.#probe.connect();
    const [ends, committed] = await Promise.all([this.#probe.fetchTopicOffsets(ordersTopic), this.#probe.fetchOffsets({ groupId, topics: [ordersTopic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((lag, p) => {
      const at = done.get(p.partition);
      return lag + Number(p.high) - (at === undefined || at < 0 ? Number(p.low) : at);
    }, 0);
  }

  async close(): Promise<void> {
    const producers = this.#slots.map((slot) => slot.producer);
    for (const slot of this.#slots) slot.producer = slot.connected = undefined;
    await Promise.allSettled([...producers.map((p) => p?.then((producer) => producer.disconnect())), this.#probe.disconnect()]);
  }

  #producerOf(slot: { producer?: Promise<Producer>; connected?: Producer }): Promise<Producer> {
    if (!slot.producer) {
      const producer = this.#kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      const connecting = producer.connect().then(() => (slot.connected = producer));
      connecting.catch(() => {
        if (slot.producer === connecting) slot.producer = undefined;
      });
      slot.producer = connecting;
    }
    return slot.producer;
  }
}

/** Below the broker's default message.max.bytes (1 MiB), with room for the record's overhead. */
const maxMessageBytes = 512 * 1024;

/** Packs the values of messages with the same key into records of at most maxMessageBytes, in order. */
function packByKey(messages: Message[]): Message[] {
  const byKey = new Map<string, { values: Buffer[]; bytes: number }[]>();
  for (const { key, value } of messages) {
    const k = String(key);
    const v = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
    let runs = byKey.get(k);
    if (!runs) byKey.set(k, (runs = []));
    let run = runs.at(-1);
    if (!run || run.bytes + v.length + 1 > maxMessageBytes) runs.push((run = { values: [], bytes: 0 }));
    run.values.push(v);
    run.bytes += v.length + 1;
  }
  const packed: Message[] = [];
  for (const [key, runs] of byKey) for (const run of runs) packed.push({ key, value: orderMessage(run.values) });
  return packed;
}
