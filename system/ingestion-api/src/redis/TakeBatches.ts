import type { CorkedWrites } from './CorkedWrites.ts';

/** One take's own arguments in a batch: its idempotency key's name and its five ARGV (see gateScripts.takeMany). */
export interface BatchedTake {
  idempotencyKey: string;
  argv: [userId: string, orderId: string, hasIdempotencyKey: string, ticket: string, epoch: string];
}

/** Runs the takes of one product in one script call; resolves their answers in order. */
export type SendTakes = (productId: string, takes: BatchedTake[]) => Promise<string[]>;

interface Waiting extends BatchedTake {
  resolve: (answer: string) => void;
  reject: (err: Error) => void;
}

/**
 * Gathers the takes asked for in one turn of the event loop and sends those of each product as one
 * script call at the end of the turn (at once when `maxBatch` are waiting), so a burst of buyers costs
 * the client one command and Redis one script run per product instead of one per buyer. Each take
 * keeps its own answer: the script runs them one after the other, in the order they were asked for.
 */
export class TakeBatches {
  #waiting = new Map<string, Waiting[]>();
  #scheduled = false;

  constructor(
    readonly sendTakes: SendTakes,
    readonly maxBatch: number,
    /** The socket writes the batches share with the client's other commands. */
    readonly writes: CorkedWrites,
  ) {}

  take(productId: string, take: BatchedTake): Promise<string> {
    return new Promise((resolve, reject) => {
      let takes = this.#waiting.get(productId);
      if (!takes) this.#waiting.set(productId, (takes = []));
      takes.push({ ...take, resolve, reject });
      if (takes.length >= this.maxBatch) {
        this.#waiting.delete(productId);
        this.writes.run(() => this.#send(productId, takes));
      } else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    const waiting = this.#waiting;
    this.#waiting = new Map();
    this.#scheduled = false;
    this.writes.together(() => {
      for (const [productId, takes] of waiting) this.#send(productId, takes);
    });
  };

  #send(productId: string, takes: Waiting[]): Promise<void> {
    let sent: Promise<string[]>;
    try {
      sent = this.sendTakes(productId, takes);
    } catch (err) {
      sent = Promise.reject(err as Error);
    }
    return sent.then(
      (answers) => {
        if (!Array.isArray(answers) || answers.length !== takes.length) {
          const err = new Error(`the take script answered ${Array.isArray(answers) ? answers.length : typeof answers} answer(s) for ${takes.length} take(s)`);
          for (const t of takes) t.reject(err);
          return;
        }
        for (let i = 0; i < takes.length; i++) takes[i]!.resolve(answers[i]!);
      },
      (err: Error) => {
        for (const t of takes) t.reject(err);
      },
    );
  }
}
