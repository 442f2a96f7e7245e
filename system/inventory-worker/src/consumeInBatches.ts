import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumeOptions, Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { PartitionBatch } from './orderBatchHandler.ts';

type OrdersConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type OrdersStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

export interface ConsumeInBatchesOptions {
  consumer: OrdersConsumer;
  /** What consume() is given (topics, fetch sizes, group timings); offsets are always committed by hand. */
  consume: ConsumeOptions<Buffer, Buffer, Buffer, Buffer>;
  /** Partitions handled at once. */
  concurrency: number;
  handle: (batch: PartitionBatch) => Promise<void>;
  logger: Logger;
}

export interface ConsumingInBatches {
  /** Lets the batches being handled finish (each stops after its current chunk), then stops reading. */
  stop(): Promise<void>;
}

/** How long a consumer whose stream failed waits before it reads again. */
const restartDelayMs = 1_000;

/**
 * Reads the consumer's stream in batches: whatever it has fetched, split by partition, each
 * partition's messages handed over in offset order, up to `concurrency` partitions at once; the next
 * batch is read once these are handled. A stream that fails (a lost broker, a commit refused after a
 * rebalance) is replaced by a new one, which reads on from the group's committed offsets. Resolves
 * once the first stream is open, so that a bad configuration fails the start.
 */
export async function consumeInBatches(options: ConsumeInBatchesOptions): Promise<ConsumingInBatches> {
  const { consumer, concurrency, handle, logger } = options;
  let running = true;
  // From the group's committed offsets, or from the start of a partition it has none for.
  const open = () => consumer.consume({ ...options.consume, autocommit: false, mode: 'committed', fallbackMode: 'earliest' });
  let stream: OrdersStream = await open();
  const assigned = (topic: string, partition: number) => consumer.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;

  const handleBatch = async (messages: Message<Buffer, Buffer, Buffer, Buffer>[]) => {
    const byPartition = new Map<string, Message<Buffer, Buffer, Buffer, Buffer>[]>();
    for (const m of messages) {
      const key = `${m.topic}:${m.partition}`;
      let list = byPartition.get(key);
      if (!list) byPartition.set(key, (list = []));
      list.push(m);
    }
    const queue = [...byPartition.values()];
    const worker = async () => {
      for (let list = queue.shift(); list; list = queue.shift()) {
        const { topic, partition } = list[0]!;
        await handle({
          topic,
          partition,
          messages: list.map((m) => ({ offset: String(m.offset), value: m.value ?? null, commit: () => Promise.resolve(m.commit()) })),
          isRunning: () => running,
          isStale: () => !assigned(topic, partition),
        });
      }
    };
    // Every partition's handler ends before a failure is thrown, so that a restart never runs two at once.
    const failed = (await Promise.allSettled(Array.from({ length: Math.min(concurrency, queue.length) }, worker))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const loop = (async () => {
    while (running) {
      try {
        for await (const messages of batchesOf(stream)) {
          await handleBatch(messages);
          if (!running) break;
        }
        if (running) throw new Error('the message stream ended');
      } catch (err) {
        if (!running) break;
        logger.error({ err, restart: true }, 'consumer crashed');
        stream.destroy();
        await sleep(restartDelayMs);
        while (running) {
          try {
            stream = await open();
            break;
          } catch (consumeErr) {
            logger.error({ err: consumeErr }, 'consumer could not read again; retrying');
            await sleep(restartDelayMs);
          }
        }
      }
    }
  })();

  return {
    stop: async () => {
      if (!running) return loop;
      running = false;
      // Wakes a loop that waits for messages; a batch being handled finishes its chunk first.
      await stream.close().catch((err: Error) => logger.warn({ err }, 'message stream close failed'));
      await loop;
    },
  };
}

/**
 * Yields everything the stream holds each time it holds something, until it ends. Its 'readable'
 * listener stays on throughout: a stream with no 'readable' (or 'data') listener is neither flowing
 * nor paused, and @platformatic/kafka does not fetch for such a stream, so a listener taken off while
 * a batch is handled could leave the stream waiting for a read that waits for it.
 */
async function* batchesOf(stream: OrdersStream): AsyncGenerator<Message<Buffer, Buffer, Buffer, Buffer>[]> {
  let signalled = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    signalled = true;
    wake?.();
  };
  // 'close' too: a stream destroyed without an error only closes, and close() takes 'readable' listeners off.
  stream.on('readable', notify).on('close', notify).on('error', notify);
  try {
    for (;;) {
      signalled = false;
      const batch: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
      for (let m = stream.read() as Message<Buffer, Buffer, Buffer, Buffer> | null; m !== null; m = stream.read() as typeof m) batch.push(m);
      if (batch.length > 0) yield batch;
      else if (stream.readableEnded || stream.destroyed) {
        if (stream.errored) throw stream.errored;
        return;
      } else if (!signalled) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('readable', notify).off('close', notify).off('error', notify);
  }
}
