import type { ChartSpec } from './ChartSpec.ts';
import { escapeHtml } from './escapeHtml.ts';

/** The canvas elements browser/charts.js draws the given charts into. */
export function chartCanvases(charts: ChartSpec[]): string {
  return charts.map((c) => `<div class="chart"><canvas id="${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div>`).join('\n');
}
