import type { CheckResult, FinalState } from '@flux-gate/run-format';
import { escapeHtml } from './escapeHtml.ts';
import { formatFigure } from './formatFigure.ts';
import { htmlTable } from './htmlTable.ts';
import type { ProductFigures } from './ProductDigest.ts';

/** Rows the table shows: the worst products, never hundreds. */
const shown = 20;

export interface ProductRow {
  productId: string;
  stock: number | null;
  sold: number | null;
  left: number | null;
  arrivals: number;
  errors: number;
  p99Ms: number | null;
  /** Seconds from the first arrival due to the first buyer answered sold out. */
  soldOutAfterS: number | null;
  /** Units still on sale though more arrivals asked for the product than it had units. */
  unsoldWhileDemanded: number;
  /** Arrivals per unit of stock; null without stock. */
  pressure: number | null;
  /** The checkers' per-product findings, as "checker: figure n". */
  findings: string[];
  findingUnits: number;
  /** A finding of a checker that failed. */
  failing: boolean;
}

/**
 * Every product of the run with its figures and the checkers' findings against it, worst first:
 * products a failing checker named, then those with more findings, more units left unsold while
 * demanded, the most arrivals per unit of stock (the products a sale of hundreds sells out first),
 * then the slowest p99.
 */
export function productRows(final: FinalState | null | undefined, products: Map<string, ProductFigures>, checks: CheckResult[], firstDueTs: number | null): ProductRow[] {
  const ids = new Set([...(final?.products.map((p) => p.productId) ?? []), ...products.keys()]);
  const state = new Map(final?.products.map((p) => [p.productId, p]) ?? []);
  return [...ids]
    .map((productId): ProductRow => {
      const row = state.get(productId);
      const figures = products.get(productId);
      const found = checks.flatMap((c) => Object.entries(c.byProduct?.[productId] ?? {}).map(([figure, n]) => ({ check: c.name, failed: c.verdict === 'fail', figure, n })));
      const arrivals = figures?.arrivals ?? 0;
      const sold = row?.dbConfirmed ?? null;
      const stock = row?.initialStock ?? null;
      return {
        productId,
        stock,
        sold,
        left: row?.redisStock ?? null,
        arrivals,
        errors: figures?.errorRate.errors ?? 0,
        p99Ms: figures?.latency.quantile(0.99) ?? null,
        soldOutAfterS: figures?.soldOutTs != null && firstDueTs !== null ? (figures.soldOutTs - firstDueTs) / 1000 : null,
        unsoldWhileDemanded: stock !== null && sold !== null && arrivals > stock ? Math.max(0, stock - sold) : 0,
        pressure: stock ? arrivals / stock : null,
        findings: found.map((f) => `${f.check}: ${f.figure} ${f.n}`),
        findingUnits: found.reduce((sum, f) => sum + f.n, 0),
        failing: found.some((f) => f.failed),
      };
    })
    .sort((a, b) => Number(b.failing) - Number(a.failing) || b.findingUnits - a.findingUnits || b.unsoldWhileDemanded - a.unsoldWhileDemanded || (b.pressure ?? -1) - (a.pressure ?? -1) || (b.p99Ms ?? -1) - (a.p99Ms ?? -1));
}

/** The products table of a sale of several products: counts over all, then the worst ones. */
export function productsSection(rows: ProductRow[]): string {
  if (rows.length < 2) return '';
  const soldOut = rows.filter((r) => r.left === 0).length;
  const withFindings = rows.filter((r) => r.findings.length).length;
  const failing = rows.filter((r) => r.failing).length;
  const demanded = rows.filter((r) => r.unsoldWhileDemanded > 0).length;
  const num = (v: number | null, f: (v: number) => string = formatFigure.count) => ({ html: v === null ? '–' : f(v), num: true });
  const table = htmlTable(
    ['product', 'stock', 'sold', 'left in Redis', 'arrivals', 'arrivals per unit', 'errors', 'p99', 'first sold out', 'unsold while demanded', 'checker findings'],
    rows.slice(0, shown).map((r) => [
      `<code>${escapeHtml(r.productId)}</code>`,
      num(r.stock),
      num(r.sold),
      num(r.left),
      num(r.arrivals),
      num(r.pressure, (v) => v.toFixed(2)),
      num(r.errors),
      num(r.p99Ms, formatFigure.ms),
      num(r.soldOutAfterS, formatFigure.seconds),
      num(r.unsoldWhileDemanded),
      r.failing ? { html: r.findings.map(escapeHtml).join('<br>'), className: 'failing' } : r.findings.map(escapeHtml).join('<br>') || '–',
    ]),
  );
  return `<h2>Products</h2>
<p class="meta">${formatFigure.count(rows.length)} products: ${formatFigure.count(soldOut)} sold out, ${formatFigure.count(demanded)} with units left while more arrivals asked than it had, ${formatFigure.count(withFindings)} named by a checker (${formatFigure.count(failing)} by a failing one). ${rows.length > shown ? `The ${shown} worst, ` : 'All, '}worst first: named by a failing checker, most findings, most units unsold while demanded, most arrivals per unit of stock, slowest p99.</p>
${table}`;
}
