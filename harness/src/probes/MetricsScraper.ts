import { appendFileSync } from 'node:fs';
import type { MetricsScrape } from '@flux-gate/run-format';
import { parsePrometheusText } from './parsePrometheusText.ts';

/** A service whose GET /metrics the harness reads. */
export interface ScrapeTarget {
  name: string;
  /** Base URL: `<url>/metrics` is scraped. */
  url: string;
}

/** The families kept from each scrape: request latency, the system's own, and the process's CPU, heap, GC pauses, event-loop lag and utilisation. */
const keptFamilies = /^(http_request_duration_seconds|fluxgate_.*|process_cpu_seconds_total|nodejs_eventloop_lag_p99_seconds|nodejs_heap_size_used_bytes|nodejs_gc_duration_seconds|nodejs_eventloop_utilization_histogram)$/;

/** How long one scrape may take: longer than a tick, since an API whose event loop is saturated answers late (the next ticks are skipped meanwhile). */
const scrapeTimeoutMs = 2000;

/**
 * Scrapes every target's GET /metrics every `intervalMs` (500 ms by default, so the report can set the
 * API's own latency beside each half-second of the load) into metrics.ndjson, one MetricsScrape per
 * target and tick (a failed scrape is recorded with its error, so gaps are explained). A tick still
 * waiting for an answer skips the next. Infinity in a histogram's last bucket is written as null by
 * JSON; readers treat the last bucket as +Inf.
 */
export class MetricsScraper {
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;

  constructor(
    private readonly targets: ScrapeTarget[],
    private readonly file: string,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const scrapes = await Promise.all(this.targets.map((t) => scrape(t, scrapeTimeoutMs)));
      appendFileSync(this.file, scrapes.map((s) => `${JSON.stringify(s)}\n`).join(''));
    } finally {
      this.#busy = false;
    }
  }

  /** Stops the timer and takes one last scrape, so the run's end is in the file; later calls do nothing. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#stopped) return;
    this.#stopped = true;
    await this.tick();
  }
}

async function scrape(target: ScrapeTarget, timeoutMs: number): Promise<MetricsScrape> {
  const ts = Date.now();
  try {
    const res = await fetch(`${target.url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { ts, target: target.name, histograms: [], values: [], error: `HTTP ${res.status}` };
    const answeredTs = Date.now();
    return { ts, answeredTs, target: target.name, ...parsePrometheusText(await res.text(), (f) => keptFamilies.test(f)) };
  } catch (err) {
    return { ts, target: target.name, histograms: [], values: [], error: (err as Error).message };
  }
}
