import type { Redis } from 'ioredis';

export interface ReplicaWaitOptions {
  /** Replicas that must hold a take before it is answered (WAIT's numreplicas); at least 1. */
  replicas: number;
  /** How long one WAIT may block (WAIT's timeout). */
  timeoutMs: number;
}

/** A take's promise to be vouched for: resolves true once the replicas hold it (see ReplicaWait.held). */
export interface Vouch {
  held(): Promise<boolean>;
}

/** What the order route waits on: `before(productId)` just before the take, then `held()` on what it returned. */
export interface ReplicaWaiter {
  before(productId: string): Vouch;
}

interface Round {
  promise: Promise<boolean>;
  resolve: (held: boolean) => void;
}

const newRound = (): Round => {
  let resolve!: (held: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
};

/**
 * Waits until `replicas` replicas hold the writes this client made, with Redis's WAIT on the same
 * connection as the takes (WAIT counts the writes of its own client up to then). Takes answered
 * while a WAIT is in flight share the next one: one WAIT per round, whatever the number of takes,
 * since a blocked WAIT also holds back every later command of the connection.
 *
 * A reconnect in between (ioredis found another primary) could let a WAIT on the new primary vouch
 * for a take made on the old one, so a take made before the connection's latest 'ready' is never
 * vouched for: call `connection()` just before the take and pass it to `held`.
 */
export class ReplicaWait implements ReplicaWaiter {
  #generation = 0;
  #running = false;
  #next: Round | null = null;

  constructor(
    private readonly redis: Redis,
    readonly options: ReplicaWaitOptions,
  ) {
    redis.on('ready', () => this.#generation++);
  }

  /** The vouch for the next take on this connection, whatever its product. */
  before(): Vouch {
    const made = this.connection();
    return { held: () => this.held(made) };
  }

  /**
   * The generation of the connection the next command goes out on, to pass to `held`: this one when
   * the client is ready, else the next (ioredis keeps a command issued while it is not ready and
   * writes it after its next 'ready'; a Cluster client's node connections connect at their first command).
   */
  connection(): number {
    return this.redis.status === 'ready' ? this.#generation : this.#generation + 1;
  }

  /**
   * Resolves true once enough replicas hold every write this client made so far on the connection
   * of generation `made`; false if they did not within the timeout, the connection changed, or
   * Redis did not answer.
   */
  async held(made: number): Promise<boolean> {
    if (made !== this.#generation) return false;
    const round = (this.#next ??= newRound());
    if (!this.#running) void this.#run();
    return (await round.promise) && made === this.#generation;
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#next) {
        const round = this.#next;
        this.#next = null;
        const acked = await this.redis.call('WAIT', this.options.replicas, this.options.timeoutMs).then(
          (n) => Number(n),
          () => 0,
        );
        round.resolve(acked >= this.options.replicas);
      }
    } finally {
      this.#running = false;
    }
  }
}
