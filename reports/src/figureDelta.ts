import type { FigureRow } from './compareRuns.ts';
import { formatFigure } from './formatFigure.ts';

/** B − A of a figure row in its own unit, with the relative change: "+2.1 ms (+12.0%)". */
export function figureDelta(row: FigureRow): string {
  if (row.a === null || row.b === null) return '–';
  const d = row.b - row.a;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = formatFigure[row.format](Math.abs(d));
  const rel = row.format !== 'percent' && row.format !== 'seconds' && row.a !== 0 ? ` (${sign}${Math.abs((d / row.a) * 100).toFixed(1)}%)` : '';
  return `${sign}${abs}${rel}`;
}
