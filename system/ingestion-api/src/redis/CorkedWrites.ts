import { Redis } from 'ioredis';
import type { RedisClient } from './connectRedis.ts';

/**
 * Sends the commands issued in one turn of the event loop in one socket write: the client's socket
 * is corked at the first command and uncorked at the end of the turn, or at once after `size`
 * commands, so that under a burst Redis runs the first scripts while the API still parses the next
 * requests.
 *
 * ioredis pipelines (explicit or automatic) batch the same way, but measured on their own at
 * 18,000 scripts/s, they cost 0.34 of a core against 0.20 corked, and about 2.5 MB of their
 * objects survived every young-generation GC (84 KB corked), which made each GC pause the event
 * loop for 3.6-9.5 ms against 1.2-1.5 ms corked (docs/decisions.md).
 *
 * A Cluster client spreads commands over one connection per primary, chosen per command: its
 * commands are issued as they come, uncorked.
 */
export class CorkedWrites {
  /** The socket corked in this turn, if any; uncorked on the same socket even after a reconnect. */
  #corked: Redis['stream'] | undefined;
  #count = 0;
  /** The one connection to cork; none on a Cluster client. */
  readonly #redis: Redis | undefined;

  constructor(
    redis: RedisClient,
    readonly size: number,
  ) {
    this.#redis = redis instanceof Redis ? redis : undefined;
  }

  /** Issues one command (or a few, e.g. `() => Promise.all([...])`) into this turn's write. */
  run<T>(issue: () => Promise<T>): Promise<T> {
    if (!this.#redis) return issue();
    this.#cork(this.#redis);
    try {
      return issue();
    } finally {
      if (++this.#count >= this.size) this.#uncork();
    }
  }

  /**
   * Issues commands and sends them at once, in one write with any this turn corked so far: for
   * commands issued at the end of a turn, which need no later uncork.
   */
  together(issue: () => void): void {
    const stream = this.#redis?.status === 'ready' ? this.#redis.stream : undefined;
    stream?.cork();
    try {
      issue();
    } finally {
      stream?.uncork();
      this.#uncork();
    }
  }

  #cork(redis: Redis): void {
    // While not ready, ioredis queues commands offline and writes them itself on connect.
    if (this.#corked || redis.status !== 'ready') return;
    this.#corked = redis.stream;
    this.#corked.cork();
    setImmediate(this.#uncork);
  }

  readonly #uncork = (): void => {
    const stream = this.#corked;
    this.#corked = undefined;
    this.#count = 0;
    stream?.uncork();
  };
}
