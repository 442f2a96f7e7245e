import type { LoadSummary, PresaleSummary } from '@flux-gate/run-format';

const worst = (values: (number | null)[]): number | null => values.reduce<number | null>((max, v) => (v === null ? max : max === null ? v : Math.max(max, v)), null);

function mergePresale(parts: PresaleSummary[]): PresaleSummary {
  return {
    startedAt: Math.min(...parts.map((p) => p.startedAt)),
    endedAt: Math.max(...parts.map((p) => p.endedAt)),
    requests: parts.reduce((sum, p) => sum + p.requests, 0),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    p50Ms: worst(parts.map((p) => p.p50Ms)),
    p99Ms: worst(parts.map((p) => p.p99Ms)),
    connectionsOpened: parts.reduce((sum, p) => sum + p.connectionsOpened, 0),
  };
}

/**
 * The load summary of the engine's processes together: arrivals offered, started and dropped, retries,
 * CPU and pre-sale requests add up; the wall time is the longest process's (they start together); the
 * pre-sale p50 and p99 are the slowest process's, since quantiles do not add.
 */
export function mergeSummaries(parts: LoadSummary[]): LoadSummary {
  const [first, ...rest] = parts;
  if (!first) throw new RangeError('no load summary to merge');
  if (rest.length === 0) return first;
  const presales = parts.flatMap((p) => (p.presale ? [p.presale] : []));
  const sum = (key: 'offered' | 'started' | 'dropped' | 'retries' | 'cpuMs') => parts.reduce((total, p) => total + p[key], 0);
  return {
    engine: first.engine,
    workload: first.workload,
    offered: sum('offered'),
    started: sum('started'),
    dropped: sum('dropped'),
    retries: sum('retries'),
    cpuMs: sum('cpuMs'),
    wallMs: Math.max(...parts.map((p) => p.wallMs)),
    aborted: parts.some((p) => p.aborted),
    processes: parts.length,
    ...(presales.length ? { presale: mergePresale(presales) } : {}),
  };
}
