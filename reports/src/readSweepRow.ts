import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFileNames, type FaultRecord, type Manifest, type Results, type Verdict } from '@flux-gate/run-format';

/** One run of a sweep as its files tell it: what the sweep's table and sweep.html show. */
export interface SweepRow {
  dir: string;
  seed: number | null;
  /** 'unknown' too when the run wrote no results (it did not finish). */
  verdict: Verdict;
  failedCheckers: string[];
  faults: FaultRecord[];
  /** Wall time of the run, from its manifest (null when it did not finish). */
  seconds: number | null;
  error?: string;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Reads a run folder's manifest, results and fault timeline; a missing file leaves its part empty. */
export async function readSweepRow(dir: string): Promise<SweepRow> {
  const [manifest, results, faults] = await Promise.all([
    readJson<Manifest>(join(dir, runFileNames.manifest)),
    readJson<Results>(join(dir, runFileNames.results)),
    readJson<FaultRecord[]>(join(dir, runFileNames.faults)),
  ]);
  return {
    dir,
    seed: manifest?.seed ?? null,
    verdict: results?.verdict ?? 'unknown',
    failedCheckers: (results?.checks ?? []).filter((c) => c.verdict === 'fail').map((c) => c.name),
    faults: faults ?? [],
    seconds: manifest?.finishedAt === undefined ? null : (manifest.finishedAt - manifest.startedAt) / 1000,
    ...(results?.error ? { error: results.error } : results ? {} : { error: 'no results.json: the run did not finish' }),
  };
}

/** A fault as one short phrase: its label and how long it held, e.g. "kill worker-1 (1.4 s)". */
export function faultPhrase(f: FaultRecord): string {
  const held = f.healedAt === undefined ? 'not healed' : `${((f.healedAt - f.injectedAt) / 1000).toFixed(1)} s`;
  return `${f.label} (${held}${f.error ? `, ${f.error}` : ''})`;
}
