import { chartSeries, type ChartSeries } from './chartSeries.ts';
import { digestHistory, type HistoryDigest } from './digestHistory.ts';
import { keyFigures, type SourcedFigures } from './keyFigures.ts';
import { queueSeries } from './queueSeries.ts';
import { serverLatency, type ServerLatency } from './serverLatency.ts';
import { nodeLanes, type NodeLane } from './nodeLanes.ts';
import { readRun, type Run, type WindowCounts } from '@flux-gate/run-format';

/** A run read and digested once: what the report, the comparison and the index all draw from. */
export interface RunSummary extends SourcedFigures {
  run: Run;
  digest: HistoryDigest;
  charts: ChartSeries;
  /** The API's own latency of POST /order, from its scraped /metrics. */
  server: ServerLatency;
  /** What became of the HTTP arrivals of each fault window (results.json's when it has them); none without faults or HTTP load. */
  windows: WindowCounts[];
  /** One lane per node with its roles and the faults it lived; empty unless the run recorded roles, nodes of faults, or a replicated topology. */
  lanes: NodeLane[];
  /** The span of the run's recorded time, epoch ms: its first and last sample, request, fault or role change. */
  span: { from: number; to: number };
}

/**
 * The stretch the node timeline draws: from the first arrival due or fault injected (the samples and
 * role changes that start with the stack come earlier and hold nothing to see) to the last moment
 * anything was recorded. A run without either starts at its first sample.
 */
function recordedSpan(run: Run, digest: HistoryDigest): { from: number; to: number } {
  const defined = (ts: (number | null | undefined)[]) => ts.filter((t): t is number => typeof t === 'number');
  const starts = defined([digest.firstDueTs, ...run.faults.map((f) => f.injectedAt)]);
  const ends = defined([digest.lastTs, run.samples[run.samples.length - 1]?.ts, ...run.faults.map((f) => f.healedAt ?? f.injectedAt), run.roles[run.roles.length - 1]?.at]);
  const from = starts.length ? Math.min(...starts) : (run.samples[0]?.ts ?? run.manifest.startedAt);
  return { from, to: Math.max(from, ...ends) };
}

/** Lanes are drawn for a replicated run, or one whose records name nodes. */
const hasNodes = (run: Run) => (run.manifest.topology?.shape ?? 'single') !== 'single' || run.roles.length > 0 || run.faults.some((f) => f.nodes?.length || f.groups?.length);

/** Reads a run folder and streams its history (and its waiting-room steps) once. Throws RunFolderError for a path that is not a run. */
export async function summarizeRun(dir: string): Promise<RunSummary> {
  const run = await readRun(dir);
  const digest = await digestHistory(run);
  const server = await serverLatency(run);
  const span = recordedSpan(run, digest);
  return {
    run,
    digest,
    ...keyFigures(run, digest, server),
    charts: chartSeries(run, digest, await queueSeries(run), server),
    server,
    // A Kafka-side load has no HTTP arrivals to count per window.
    windows: run.results?.windows ?? (digest.requests + digest.dropped > 0 ? digest.windows.counts(run.finalState) : []),
    lanes: hasNodes(run) ? nodeLanes(run, span.to) : [],
    span,
  };
}
