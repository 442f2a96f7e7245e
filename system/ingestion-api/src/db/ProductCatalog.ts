import type { SaleStore } from './SaleStore.ts';

/** How long "no such product" is believed before PostgreSQL is asked again. */
const unknownTtlMs = 1_000;

/**
 * Cached product existence, so the hot path does not ask PostgreSQL. Products are never deleted,
 * so a known product is cached for good; an unknown one only briefly (another instance may arm it).
 */
export class ProductCatalog {
  readonly #known = new Set<string>();
  readonly #unknownUntil = new Map<string, number>();

  constructor(readonly store: SaleStore) {}

  async exists(productId: string): Promise<boolean> {
    if (this.#known.has(productId)) return true;
    const until = this.#unknownUntil.get(productId);
    if (until !== undefined && until > Date.now()) return false;
    const exists = await this.store.productExists(productId);
    if (exists) this.remember(productId);
    else this.#rememberUnknown(productId);
    return exists;
  }

  /** Products known to exist: created or seen on sale by this instance. */
  known(): IterableIterator<string> {
    return this.#known.values();
  }

  /** Records a product known to exist (this instance created it, or its sale is armed in Redis). */
  remember(productId: string): void {
    this.#known.add(productId);
    this.#unknownUntil.delete(productId);
  }

  #rememberUnknown(productId: string): void {
    if (this.#unknownUntil.size > 10_000) this.#unknownUntil.clear();
    this.#unknownUntil.set(productId, Date.now() + unknownTtlMs);
  }
}
