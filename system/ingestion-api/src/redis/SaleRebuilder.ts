import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SaleStore } from '../db/SaleStore.ts';
import type { SaleGate } from './SaleGate.ts';

/** What one look found in flight: a product's orders accepted but not yet in PostgreSQL. */
export type InFlightOf = (productId: string) => number;

export interface SaleRebuilderOptions {
  gate: SaleGate;
  store: SaleStore;
  /**
   * One look at the orders accepted but not yet in PostgreSQL, as this instance sees them, answering
   * for any product: the worker group's lag on the partition holding the product's orders, and this
   * instance's unsettled sends and orders being finished of that product.
   */
  inFlight: () => Promise<InFlightOf>;
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
 * fence). Another product's orders in flight cannot change this product's stored orders; they hold
 * its rebuild only while they are in the lag of the partition the two products share.
 */
export class SaleRebuilder {
  readonly #running = new Map<string, Promise<void>>();
  readonly #closing = new AbortController();
  /** The look at what is in flight under way, shared by every rebuild waiting (one Kafka look, however many products are fenced). */
  #look: Promise<InFlightOf> | undefined;

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

  #inFlight(): Promise<InFlightOf> {
    return (this.#look ??= this.options.inFlight().finally(() => (this.#look = undefined)));
  }

  async #rebuild(productId: string): Promise<void> {
    const { gate, store, settleMs, pollMs, log } = this.options;
    log.warn({ productId }, 'the sale is fenced (the Redis primary changed since it was armed); rebuilding it from PostgreSQL once nothing is in flight');
    const { signal } = this.#closing;
    const fencedAt = performance.now();
    await sleep(settleMs, undefined, { signal });
    while ((await this.#inFlight())(productId) > 0) await sleep(pollMs, undefined, { signal });
    signal.throwIfAborted();
    const record = await store.saleRecord(productId);
    if (!record) return;
    const rebuilt = await gate.reset(productId, record.stock, record.buyers, false, this.options.admissionRatePerSec, 'rebuild');
    const waitedMs = Math.round(performance.now() - fencedAt);
    if (rebuilt) log.warn({ productId, stock: record.stock, buyers: record.buyers.size, waitedMs }, 'sale rebuilt from PostgreSQL after a Redis primary change');
  }
}
