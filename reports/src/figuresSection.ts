import { escapeHtml } from './escapeHtml.ts';
import { formatFigure as f } from './formatFigure.ts';
import { htmlTable } from './htmlTable.ts';
import type { SourcedFigures } from './keyFigures.ts';
import type { ServerLatency } from './serverLatency.ts';
import { recoveredErrorRate } from './recoveryTimes.ts';

/** The key figures table, saying where they came from; the API's own latency beside the load's when it was scraped. */
export function figuresSection({ figures: k, source }: SourcedFigures, server: ServerLatency['overall'] = null): string {
  const rows: [string, string][] = [
    ['requests', f.count(k.requests)],
    ['requests/s', f.rate(k.reqPerSec)],
    ['accepted (200)', f.count(k.accepted)],
    ['sold (confirmed in PostgreSQL)', f.count(k.sold)],
    ['unknown outcome', f.count(k.unknown)],
    ['arrivals dropped (in-flight cap)', f.count(k.dropped ?? 0)],
    ...(k.recordsAcked === undefined ? [] : ([['Kafka records acked', f.count(k.recordsAcked)]] as [string, string][])),
    ...(k.backlogAtDrain === undefined ? [] : ([['Kafka backlog when the drain began', f.count(k.backlogAtDrain ?? null)]] as [string, string][])),
    ...(k.drainRatePerSec === undefined ? [] : ([['worker drain rate (orders/s)', f.rate(k.drainRatePerSec ?? null)]] as [string, string][])),
    ['latency p50', f.ms(k.p50Ms)],
    ['latency p95', f.ms(k.p95Ms)],
    ['latency p99', f.ms(k.p99Ms)],
    ...(server
      ? ([
          ['server latency p50 (POST /order, the API’s /metrics)', f.ms(server.p50Ms)],
          ['server latency p99 (POST /order, the API’s /metrics)', f.ms(server.p99Ms)],
        ] as [string, string][])
      : []),
    ['error rate (arrivals whose last attempt was unknown or 5xx)', f.percent(k.errorRate)],
    ['drain time', f.seconds(k.drainSeconds)],
    ...k.recovery.map((r): [string, string] => [`time to recover after “${escapeHtml(r.fault)}”`, f.seconds(r.seconds)]),
  ];
  const note =
    source === 'results.json'
      ? 'From results.json.'
      : `Computed from history.ndjson and samples.ndjson (no results.json). Latency counts answered requests; ` +
        `recovered means a time bucket after the heal has an error rate at or under ${recoveredErrorRate * 100}% (or 1.5× the rate before the first fault) and the Kafka lag is back to its value when the fault was injected.`;
  return `<h2>Key figures</h2>${htmlTable(['figure', 'value'], rows.map(([a, b]) => [a, { html: b, num: true }]))}<p class="meta">${note}</p>`;
}
