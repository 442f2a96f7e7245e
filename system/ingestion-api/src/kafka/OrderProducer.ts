import { ordersTopic } from '@flux-gate/contracts';
import { type Admin, Kafka, type Message, Partitioners, type Producer, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

export interface OrderProducerOptions {
  brokers: string[];
  clientId: string;
  /** Request, connection and ack timeout. */
  timeoutMs: number;
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
 * The Kafka side of the API: an idempotent producer with acks=all on the `orders` topic.
 * After a send finally fails, the producer is replaced: kafkajs rolls its sequence numbers back,
 * and a new batch reusing them could be taken by the broker for a duplicate and silently dropped.
 */
export class OrderProducer {
  readonly #kafka: Kafka;
  readonly #probe: Admin;
  #producer: Promise<Producer> | undefined;
  #connected: Producer | undefined;

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

  /** Connects the producer now rather than on the first order. */
  async connect(): Promise<void> {
    await this.#current();
  }

  /** Produces one batch to `orders` with acks=all; resolves on the ack. */
  readonly send = async (messages: Message[]): Promise<void> => {
    const producer = await this.#current();
    try {
      await producer.send({ topic: ordersTopic, acks: -1, timeout: this.options.timeoutMs, messages });
    } catch (err) {
      this.#replace(producer);
      throw err;
    }
  };

  /** Resolves if a broker answers a metadata request. */
  async ping(): Promise<void> {
    await this.#probe.connect();
    await this.#probe.describeCluster();
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = this.#connected = undefined;
    await Promise.allSettled([producer?.then((p) => p.disconnect()), this.#probe.disconnect()]);
  }

  #current(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      const connecting = producer.connect().then(() => (this.#connected = producer));
      connecting.catch(() => {
        if (this.#producer === connecting) this.#producer = undefined;
      });
      this.#producer = connecting;
    }
    return this.#producer;
  }

  #replace(failed: Producer): void {
    if (this.#connected === failed) {
      this.#connected = undefined;
      this.#producer = undefined;
    }
    failed.disconnect().catch(() => undefined);
  }
}
