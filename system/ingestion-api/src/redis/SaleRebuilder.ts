import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SaleStore } from '../db/SaleStore.ts';
import type { SaleGate } from './SaleGate.ts';

/** One look at a product's orders accepted but not yet in PostgreSQL, as this instance sees them. */
export interface InFlightLook {
  /** This instance's orders of the product not settled yet (sends under way, orders being finished), counted before the look at Kafka. */
  local(productId: string): number;
  /** The end offsets read of the partitions of `orders` that hold the product's orders. */
  ends(productId: string): Map<number, bigint>;
  /** Whether the worker group had stored every order below these end offsets when the look read its commits. */
  storedPast(ends: ReadonlyMap<number, bigint>): boolean;
}

export interface SaleRebuilderOptions {
  gate: SaleGate;
  store: SaleStore;
  /** One look at what is in flight, answering for any product. */
  inFlight: () => Promise<InFlightLook>;
  /**
   * How long after the fence was seen the rebuild waits at least, so that every send any instance
   * started on the old primary has been acked or given up (the Kafka timeout) and reached the lag.
   */
  settleMs: number;
  /** Pause between two looks at what is still in flight. */
  pollMs: number;
  /** Admissions per second of the rebuilt sale's fresh queue. */
  admissionRatePerSec: number;
  log: Logger;
}

/**
 * Rebuilds a fenced sale (armed on a primary that is gone: see gateScripts.take) from PostgreSQL,
 * once none of its orders is in flight: one rebuild at a time per product on this instance, and of
 * several instances rebuilding at once only the first one's reset runs (the reset script checks the
 * fence).
 *
 * After the settle time, no send of the product starts any more (its takes are fenced, the sweeper
 * claims nothing on a fenced sale) except this instance's own, which `local` counts. So once a look
 * finds none of its own, every order of the product that can still reach PostgreSQL is below the end
 * offset of the product's partition read by that look (the target), and the rebuild waits until
 * the worker group has committed past the target. Orders of other products, on other partitions
 * or past the target on the same one, cannot change this product's stored orders and do not hold it.
 * A look that finds one of its own again drops the target; the next look without takes a new one.
 * See docs/decisions.md, "A fenced sale waits for its own orders only".
 */
export class SaleRebuilder {
  readonly #running = new Map<string, Promise<void>>();
  readonly #closing = new AbortController();
  /** The look at what is in flight under way, shared by every rebuild waiting (one Kafka look, however many products are fenced). */
  #look: Promise<InFlightLook> | undefined;

  constructor(readonly options: SaleRebuilderOptions) {}

  /** Starts rebuilding the product's sale unless this instance is already at it. */
  fenced(productId: string): void {
    if (this.#closing.signal.aborted || this.#running.has(productId)) return;
    const run = this.#rebuild(productId)
      .catch((err: Error) => {
        if (!this.#closing.signal.aborted) this.options.log.warn({ productId, err: err.message }, 'rebuild of a fenced sale failed; the next fenced take tries again');
      })
      .finally(() => this.#running.delete(productId));
    this.#running.set(productId, run);
  }

  /** Stops starting rebuilds and waits for those under way. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.allSettled(this.#running.values());
  }

  #inFlight(): Promise<InFlightLook> {
    return (this.#look ??= this.options.inFlight().finally(() => (this.#look = undefined)));
  }

  async #rebuild(productId: string): Promise<void> {
    const { gate, store, settleMs, pollMs, log } = this.options;
    log.warn({ productId }, 'the sale is fenced (the Redis primary changed since it was armed); rebuilding it from PostgreSQL once nothing is in flight');
    const { signal } = this.#closing;
    const fencedAt = performance.now();
    await sleep(settleMs, undefined, { signal });
    let target: Map<number, bigint> | undefined;
    for (;;) {
      const look = await this.#inFlight();
      target = look.local(productId) > 0 ? undefined : (target ?? look.ends(productId));
      if (target && look.storedPast(target)) break;
      await sleep(pollMs, undefined, { signal });
    }
    signal.throwIfAborted();
    const record = await store.saleRecord(productId);
    if (!record) return;
    const rebuilt = await gate.reset(productId, record.stock, record.buyers, false, this.options.admissionRatePerSec, 'rebuild');
    const waitedMs = Math.round(performance.now() - fencedAt);
    if (rebuilt) log.warn({ productId, stock: record.stock, buyers: record.buyers.size, waitedMs }, 'sale rebuilt from PostgreSQL after a Redis primary change');
  }
}
