import { ErrorRate, type HistoryEntry, LatencyHistogram, wasSent } from '@flux-gate/run-format';

/** One product's share of a run's history, gathered as it streams by (a 2-figure histogram, about 27 KB). */
export interface ProductFigures {
  /** Arrivals (one Idempotency-Key each) sent for the product. */
  arrivals: number;
  /** Arrivals whose last attempt was an error. */
  errorRate: ErrorRate;
  latency: LatencyHistogram;
  /** When the first 409 sold_out for it was answered; null when no buyer was told it sold out. */
  soldOutTs: number | null;
}

/** Every product's figures from one pass over the history. */
export class ProductDigest {
  readonly products = new Map<string, ProductFigures>();

  add(e: HistoryEntry): void {
    if (!wasSent(e)) return;
    let p = this.products.get(e.productId);
    if (!p) this.products.set(e.productId, (p = { arrivals: 0, errorRate: new ErrorRate(), latency: new LatencyHistogram(2), soldOutTs: null }));
    if (e.attempt === 1) p.arrivals++;
    p.errorRate.add(e);
    if (e.status > 0) p.latency.add(e.latencyMs);
    if (e.error === 'sold_out') {
      const at = (e.intendedTs ?? e.ts) + e.latencyMs;
      p.soldOutTs = p.soldOutTs === null ? at : Math.min(p.soldOutTs, at);
    }
  }
}
