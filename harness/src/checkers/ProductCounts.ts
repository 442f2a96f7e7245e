/** A checker's findings per product, for CheckResult.byProduct: only nonzero figures are kept. */
export class ProductCounts {
  readonly #counts = new Map<string, Record<string, number>>();

  add(productId: string, figure: string, n = 1): void {
    if (n === 0) return;
    const counts = this.#counts.get(productId) ?? {};
    counts[figure] = (counts[figure] ?? 0) + n;
    this.#counts.set(productId, counts);
  }

  /** `{ byProduct }` to spread into a CheckResult, or nothing when no product has a finding. */
  result(): { byProduct?: Record<string, Record<string, number>> } {
    return this.#counts.size ? { byProduct: Object.fromEntries(this.#counts) } : {};
  }
}
