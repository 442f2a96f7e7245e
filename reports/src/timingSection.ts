import type { KeyFigures } from '@flux-gate/run-format';
import { formatFigure as f } from './formatFigure.ts';
import { htmlTable } from './htmlTable.ts';

type Timing = NonNullable<KeyFigures['timing']>;

/**
 * The header and rows of the timing table, shared by the report and summary.md: the whole run first,
 * then each time row; with the API's own p99 of POST /order when its /metrics were scraped.
 */
export function timingTable(timing: Timing): { header: string[]; rows: string[][] } {
  const server = timing.whole.serverRequests !== undefined;
  const row = (label: string, t: Timing['whole']) => [
    label,
    f.count(t.sent),
    f.ms(t.fromDueP99Ms),
    `${f.ms(t.engineLagP50Ms)} / ${f.ms(t.engineLagP99Ms)}`,
    `${f.ms(t.answerP50Ms)} / ${f.ms(t.answerP99Ms)}`,
    ...(server ? [f.ms(t.serverP99Ms ?? null)] : []),
  ];
  return {
    header: [
      'from the run’s start',
      'sent',
      'p99 from due',
      'engine lag (sent − due) p50 / p99',
      'answer time (answered − sent) p50 / p99',
      ...(server ? ['server p99 (POST /order, the API’s /metrics)'] : []),
    ],
    rows: [row('whole run', timing.whole), ...timing.rows.map((r) => row(`${(r.fromMs / 1000).toFixed(1)}–${(r.toMs / 1000).toFixed(1)} s`, r))],
  };
}

/** Where each request's time went: the load engine's lateness apart from the system's answer, per time row. */
export function timingSection(timing: KeyFigures['timing']): string {
  if (!timing) return '';
  const { header, rows } = timingTable(timing);
  return `<h2>Where the time went</h2>${htmlTable(
    header,
    rows.map(([label, ...cells]) => [label!, ...cells.map((c) => ({ html: c, num: true }))]),
  )}<p class="meta">The latency from due is the engine’s lag (it sent the request late) plus the answer time (the system and the network). A p99 from due that crossed its bound while the engine’s lag p99 was over the experiment’s <code>engineLagP99Ms</code> is not laid on the system: the thresholds check says unknown.${
    timing.whole.serverRequests !== undefined
      ? ' The server p99 is what the API itself measured from reading the request to sending the answer (its request histogram, scraped every 500 ms; each scrape interval counts in the row its midpoint falls in, by when requests finished, whereas the other columns go by when they were sent). The answer time minus it is the network, the proxy and the engine’s own reading of the answer.'
      : ''
  }</p>`;
}
