import { chartSeries, type ChartSeries } from './chartSeries.ts';
import { digestHistory, type HistoryDigest } from './digestHistory.ts';
import { keyFigures, type SourcedFigures } from './keyFigures.ts';
import { queueSeries } from './queueSeries.ts';
import { serverLatency, type ServerLatency } from './serverLatency.ts';
import { readRun, type Run } from '@flux-gate/run-format';

/** A run read and digested once: what the report, the comparison and the index all draw from. */
export interface RunSummary extends SourcedFigures {
  run: Run;
  digest: HistoryDigest;
  charts: ChartSeries;
  /** The API's own latency of POST /order, from its scraped /metrics. */
  server: ServerLatency;
}

/** Reads a run folder and streams its history (and its waiting-room steps) once. Throws RunFolderError for a path that is not a run. */
export async function summarizeRun(dir: string): Promise<RunSummary> {
  const run = await readRun(dir);
  const digest = await digestHistory(run);
  const server = await serverLatency(run);
  return { run, digest, ...keyFigures(run, digest), charts: chartSeries(run, digest, await queueSeries(run), server), server };
}
