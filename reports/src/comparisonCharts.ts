import type { ChartSpec } from './ChartSpec.ts';
import type { Comparison } from './compareRuns.ts';
import { outcomeClasses } from '@flux-gate/run-format';
import { faultWindowSpecs } from './reportCharts.ts';

const colorA = '#0969da';
const colorB = '#cf222e';

/** Charts with A (solid) and B (dashed) on one time axis, both runs' fault windows shaded. */
export function comparisonCharts(c: Comparison): ChartSpec[] {
  const a = c.a.charts;
  const b = c.b.charts;
  const windows = [...faultWindowSpecs(a.faults, colorA, 'A: '), ...faultWindowSpecs(b.faults, colorB, 'B: ')];
  const total = (s: typeof a) => s.requests.x.map((_, i) => outcomeClasses.reduce((sum, k) => sum + (s.requests.perSec[k][i] ?? 0), 0));
  return [
    {
      id: 'chart-requests',
      title: 'Requests per second',
      yLabel: 'req/s',
      windows,
      lines: [
        { label: 'A', x: a.requests.x, y: total(a), color: colorA },
        { label: 'B', x: b.requests.x, y: total(b), color: colorB, dashed: true },
      ],
    },
    {
      id: 'chart-latency',
      title: 'Latency p99 per time bucket',
      yLabel: 'ms',
      windows,
      lines: [
        { label: 'A p99', x: a.latency.x, y: a.latency.p99, color: colorA },
        { label: 'B p99', x: b.latency.x, y: b.latency.p99, color: colorB, dashed: true },
      ],
    },
    {
      id: 'chart-conservation',
      title: 'Conservation: Redis stock and PostgreSQL confirmed',
      yLabel: 'units',
      windows,
      lines: [
        { label: 'A Redis stock', x: a.conservation.x, y: a.conservation.redisStock, color: colorA },
        { label: 'A confirmed', x: a.conservation.x, y: a.conservation.pgConfirmed, color: '#1a7f37' },
        { label: 'B Redis stock', x: b.conservation.x, y: b.conservation.redisStock, color: colorB, dashed: true },
        { label: 'B confirmed', x: b.conservation.x, y: b.conservation.pgConfirmed, color: '#bc4c00', dashed: true },
      ],
    },
  ];
}
