import type { Logger } from 'pino';
import type { ProductCatalog } from '../db/ProductCatalog.ts';
import type { SaleGate } from '../redis/SaleGate.ts';
import type { OrderTakeover } from './OrderTakeover.ts';

export interface OrphanSweeperOptions {
  gate: SaleGate;
  catalog: ProductCatalog;
  takeover: OrderTakeover;
  log: Logger;
  /** Pause between two sweeps. */
  intervalMs: number;
  /** In-flight entries looked at per product and sweep. */
  pageSize: number;
}

/**
 * Settles orders whose instance died between the take and the Kafka ack, even when no client
 * retries: every intervalMs, looks at one page of each known product's in-flight record, claims
 * the entries whose lease ran out and produces them (see OrderTakeover).
 */
export class OrphanSweeper {
  readonly #cursors = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(readonly options: OrphanSweeperOptions) {}

  start(): void {
    this.#schedule();
  }

  /** Stops sweeping and waits for the sweep under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#sweeping;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#sweeping = this.#sweep().finally(() => this.#schedule());
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  async #sweep(): Promise<void> {
    const { gate, catalog, takeover, log, pageSize } = this.options;
    for (const productId of catalog.known()) {
      if (this.#stopped) return;
      try {
        const { cursor, claimed } = await gate.sweep(productId, this.#cursors.get(productId) ?? '0', pageSize);
        this.#cursors.set(productId, cursor);
        if (claimed.length === 0) continue;
        log.warn({ productId, orders: claimed.map((o) => o.orderId) }, 'taking over in-flight orders nobody settled');
        await Promise.all(claimed.map((order) => takeover.produce(order)));
      } catch (err) {
        log.warn({ productId, err: (err as Error).message }, 'could not sweep in-flight orders');
      }
    }
  }
}
