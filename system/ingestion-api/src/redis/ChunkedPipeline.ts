import type { ChainableCommander, Redis } from 'ioredis';

type Done<T> = (err?: Error | null, result?: T) => void;

/**
 * Sends commands in pipelines of at most `size`, and the rest at the end of the event-loop turn.
 * ioredis's auto-pipelining holds every command of a turn until its end: under a burst of requests,
 * Redis then waits while the API parses all of them, and the API waits while Redis runs them all.
 * In chunks, Redis runs the first scripts while the API is still parsing the next requests.
 */
export class ChunkedPipeline {
  #pipeline: ChainableCommander | undefined;
  #queued = 0;

  constructor(
    readonly redis: Redis,
    readonly size: number,
  ) {}

  /** Queues one command, e.g. `add((p, done) => p.get(key, done))`; resolves with its reply. */
  add<T>(queue: (pipeline: ChainableCommander, done: Done<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.#pipeline) {
        this.#pipeline = this.redis.pipeline();
        setImmediate(this.#send);
      }
      queue(this.#pipeline, (err, result) => (err ? reject(err) : resolve(result as T)));
      if (++this.#queued >= this.size) this.#send();
    });
  }

  readonly #send = (): void => {
    const pipeline = this.#pipeline;
    this.#pipeline = undefined;
    this.#queued = 0;
    // Each command's own callback reports its outcome.
    pipeline?.exec().catch(() => undefined);
  };
}
