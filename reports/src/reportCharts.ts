import type { ChartSeries, FaultWindow } from './chartSeries.ts';
import type { ChartSpec, WindowSpec } from './ChartSpec.ts';
import type { QueueSeries } from './queueSeries.ts';
import { outcomeClasses, type OutcomeClass } from '@flux-gate/run-format';

export const outcomeColors: Record<OutcomeClass, string> = {
  '200': '#1a7f37',
  '302': '#0969da',
  '409': '#6e7781',
  '503': '#bc4c00',
  unknown: '#8250df',
  dropped: '#6e7781',
  other: '#cf222e',
};

/** Fault windows as shaded chart windows, their labels prefixed (e.g. "A: ") when two runs share a chart. */
export function faultWindowSpecs(faults: FaultWindow[], color = '#cf222e', prefix = ''): WindowSpec[] {
  return faults.map((f) => ({ from: f.from, to: f.to, label: `${prefix}${f.label}`, color }));
}

/** The charts of a run report: four, and the waiting room's when the load followed it. */
export function reportCharts(s: ChartSeries): ChartSpec[] {
  const windows = faultWindowSpecs(s.faults);
  return [
    {
      id: 'chart-requests',
      title: 'Requests per second by outcome',
      yLabel: 'req/s',
      windows,
      lines: outcomeClasses.map((c) => ({ label: c, x: s.requests.x, y: s.requests.perSec[c], color: outcomeColors[c] })),
    },
    {
      id: 'chart-latency',
      title: s.server ? "Latency of answered requests per time bucket, and the API's own (dashed, from its /metrics)" : 'Latency of answered requests per time bucket',
      yLabel: 'ms',
      windows,
      lines: [
        { label: 'p50', x: s.latency.x, y: s.latency.p50, color: '#0969da' },
        { label: 'p95', x: s.latency.x, y: s.latency.p95, color: '#bc4c00' },
        { label: 'p99', x: s.latency.x, y: s.latency.p99, color: '#cf222e' },
        ...(s.server
          ? [
              { label: 'server p50', x: s.server.x, y: s.server.p50, color: '#0969da', dashed: true },
              { label: 'server p99', x: s.server.x, y: s.server.p99, color: '#cf222e', dashed: true },
            ]
          : []),
      ],
    },
    {
      id: 'chart-conservation',
      title: 'Conservation: stock left in Redis, confirmed in PostgreSQL, Kafka lag',
      yLabel: 'units',
      rightLabel: 'messages behind',
      windows,
      lines: [
        { label: 'Redis stock', x: s.conservation.x, y: s.conservation.redisStock, color: '#0969da' },
        { label: 'PostgreSQL confirmed', x: s.conservation.x, y: s.conservation.pgConfirmed, color: '#1a7f37' },
        { label: 'Kafka lag', x: s.conservation.x, y: s.conservation.kafkaLag, color: '#8250df', dashed: true, axis: 'right' },
      ],
    },
    {
      id: 'chart-worker',
      title: 'Worker throughput (change in confirmed orders per second)',
      yLabel: 'orders/s',
      windows,
      lines: [{ label: 'confirmed/s', x: s.worker.x, y: s.worker.confirmedPerSec, color: '#1a7f37' }],
    },
    ...(s.queue ? [queueChart(s.queue, windows)] : []),
  ];
}

/** The waiting room as its buyers' polls saw it: queue length, serving counter, admissions per second. */
function queueChart(q: QueueSeries, windows: WindowSpec[]): ChartSpec {
  return {
    id: 'chart-queue',
    title: 'Waiting room: queue length, serving position, admissions per second',
    yLabel: 'tickets',
    rightLabel: 'admissions/s',
    windows,
    lines: [
      { label: 'waiting (issued − serving)', x: q.x, y: q.length, color: '#bc4c00' },
      { label: 'serving position', x: q.x, y: q.serving, color: '#0969da' },
      { label: 'admissions/s', x: q.x, y: q.admissionsPerSec, color: '#1a7f37', dashed: true, axis: 'right' },
    ],
  };
}
