import { KafkaNotSent } from './KafkaNotSent.ts';

/**
 * How a send ended: acked; refused (KafkaNotSent: no Produce request left this process, so the
 * broker cannot have its orders); or open (it failed after a request was written: the broker may
 * have stored the orders and only its answer was lost).
 */
export type SendEnd = 'acked' | 'refused' | 'open';

/** One encoded order for the `orders` topic, keyed by its product id. */
export interface OrderRecord {
  key: string;
  value: Buffer;
}

/** The fate of one message handed to the batcher. Shared by every message of the same batch. */
export interface PendingSend {
  /** Resolves when the broker acked; rejects when the send failed or the ack took longer than the timeout. */
  readonly answer: Promise<void>;
  /** How the send ended, however long it takes. Never rejects. */
  readonly settled: Promise<SendEnd>;
}

export interface OrderBatcherOptions {
  /** Sends one batch; resolves on the ack of all its messages. */
  send: (messages: OrderRecord[]) => Promise<void>;
  /** How long the first message of a batch waits for company; 0 = until the end of the current event-loop turn. */
  lingerMs: number;
  /** A batch this full is sent at once. */
  maxBatch: number;
  /** Answer deadline of a batch, from its first message. */
  timeoutMs: number;
  /** Sends allowed in flight at once (one per producer: an idempotent producer serialises its own). */
  maxInFlight: number;
}

/** Thrown into PendingSend.answer when the ack did not come in time (the send may still succeed later). */
export class KafkaAckTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no Kafka ack within ${timeoutMs} ms`);
    this.name = 'KafkaAckTimeout';
  }
}

class Batch implements PendingSend {
  readonly messages: OrderRecord[] = [];
  readonly answer: Promise<void>;
  readonly settled: Promise<SendEnd>;
  resolveAnswer!: () => void;
  rejectAnswer!: (err: Error) => void;
  resolveSettled!: (end: SendEnd) => void;
  readonly deadline: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.answer = new Promise<void>((resolve, reject) => {
      this.resolveAnswer = resolve;
      this.rejectAnswer = reject;
    });
    this.answer.catch(() => undefined);
    this.settled = new Promise<SendEnd>((resolve) => (this.resolveSettled = resolve));
    this.deadline = setTimeout(() => this.rejectAnswer(new KafkaAckTimeout(timeoutMs)), timeoutMs);
  }

  settle(error: Error | undefined): void {
    clearTimeout(this.deadline);
    if (error) this.rejectAnswer(error);
    else this.resolveAnswer();
    this.resolveSettled(!error ? 'acked' : error instanceof KafkaNotSent ? 'refused' : 'open');
  }
}

/**
 * Accumulates messages and sends many in one request:
 * after lingerMs, when maxBatch is reached, or as soon as a send slot frees up (at most maxInFlight
 * sends at a time, so under load batches grow instead of requests).
 */
export class OrderBatcher {
  /** Batches waiting to be sent; only the last one still takes messages. */
  readonly #queue: Batch[] = [];
  #linger: { cancel(): void } | undefined;
  #inFlight = 0;
  #sentUnsettled = 0;
  /** Messages queued or sent whose fate is not settled yet, by key (a key with none is absent). */
  readonly #unsettledByKey = new Map<string, number>();
  #drained: (() => void) | undefined;
  #closed = false;

  constructor(readonly options: OrderBatcherOptions) {}

  /** Queues one message; the returned fate is shared with the rest of its batch. */
  add(message: OrderRecord): PendingSend {
    if (this.#closed) throw new Error('the order batcher is closed');
    let batch = this.#queue.at(-1);
    if (!batch || batch.messages.length >= this.options.maxBatch) {
      batch = new Batch(this.options.timeoutMs);
      this.#queue.push(batch);
      if (this.#inFlight < this.options.maxInFlight && !this.#linger) this.#linger = this.#later(this.#flush);
    }
    batch.messages.push(message);
    this.#unsettledByKey.set(message.key, (this.#unsettledByKey.get(message.key) ?? 0) + 1);
    if (batch.messages.length >= this.options.maxBatch) this.#flush();
    return batch;
  }

  /** Messages queued or sent whose fate is not settled yet. */
  get unsettled(): number {
    return this.#queue.reduce((n, b) => n + b.messages.length, this.#sentUnsettled);
  }

  /**
   * A copy of the unsettled messages counted by key (a product's orders are keyed by its id): a key
   * counts from add() until its batch's send settled, so a copy taken before a look at Kafka holds
   * every send that look could have missed.
   */
  unsettledByKey(): Map<string, number> {
    return new Map(this.#unsettledByKey);
  }

  /** Sends what is queued and waits for every send to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#flush();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
  }

  readonly #flush = (): void => {
    this.#linger?.cancel();
    this.#linger = undefined;
    while (this.#inFlight < this.options.maxInFlight) {
      const batch = this.#queue.shift();
      if (!batch) return;
      this.#inFlight++;
      this.#sentUnsettled += batch.messages.length;
      this.options.send(batch.messages).then(
        () => this.#done(batch, undefined),
        (err: Error) => this.#done(batch, err),
      );
    }
  };

  /** Runs fn after lingerMs, or with lingerMs 0 at the end of this turn of the event loop (after the requests read in it). */
  #later(fn: () => void): { cancel(): void } {
    if (this.options.lingerMs > 0) {
      const timer = setTimeout(fn, this.options.lingerMs);
      return { cancel: () => clearTimeout(timer) };
    }
    const immediate = setImmediate(fn);
    return { cancel: () => clearImmediate(immediate) };
  }

  #done(batch: Batch, error: Error | undefined): void {
    this.#inFlight--;
    this.#sentUnsettled -= batch.messages.length;
    for (const { key } of batch.messages) {
      const left = this.#unsettledByKey.get(key)! - 1;
      if (left > 0) this.#unsettledByKey.set(key, left);
      else this.#unsettledByKey.delete(key);
    }
    batch.settle(error);
    this.#flush();
    if (this.#inFlight === 0 && this.#queue.length === 0) this.#drained?.();
  }
}
