import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readNdjson } from './readNdjson.ts';
import { RunFolderError } from './RunFolderError.ts';
import {
  runFileNames,
  type AfterHealObservation,
  type GuardLog,
  type FaultRecord,
  type FinalState,
  type HistoryEntry,
  type LoadSummary,
  type Manifest,
  type MetricsScrape,
  type QueueEntry,
  type RecordEntry,
  type Results,
  type RoleChange,
  type Sample,
} from './runFiles.ts';

/** The resolved experiment definition as stored; only the name and description are relied on. */
export interface ExperimentFile {
  name?: string;
  description?: string;
  [key: string]: unknown;
}

/** One run folder, loaded. Everything but the history is in memory; the history is streamed. */
export interface Run {
  dir: string;
  manifest: Manifest;
  experiment: ExperimentFile | null;
  faults: FaultRecord[];
  /** Every change of a node's run-time roles, in time order (roles.ndjson; empty when the run has none). */
  roles: RoleChange[];
  samples: Sample[];
  /** What the load engine reported, when it ended. */
  load: LoadSummary | null;
  finalState: FinalState | null;
  /** The steady-state probe after the heal, when the run got that far. */
  afterHeal: AfterHealObservation | null;
  /** The abort guards' evaluations, for an experiment with guards. */
  guards: GuardLog | null;
  results: Results | null;
  /** Names of the files in logs/, sorted. */
  logs: string[];
  /** What was missing or unreadable, in words, for the report to show. */
  problems: string[];
  /** Streams history.ndjson one entry at a time; nothing when the file is missing. */
  history(onBadLine?: (line: number) => void): AsyncIterable<HistoryEntry>;
  /** Streams records.ndjson (the Kafka-side load's records); nothing when the run produced none. */
  records(onBadLine?: (line: number) => void): AsyncIterable<RecordEntry>;
  /** Streams queue.ndjson (the waiting-room steps of buyers who followed it); nothing when there are none. */
  queue(onBadLine?: (line: number) => void): AsyncIterable<QueueEntry>;
  /** Streams metrics.ndjson (the services' own metrics, scraped); nothing in runs made before the services had them. */
  metrics(onBadLine?: (line: number) => void): AsyncIterable<MetricsScrape>;
}

/**
 * Loads a run folder. Only manifest.json is required: a crashed run may lack results, final state,
 * samples or history, and each absence is listed in `problems`. Throws RunFolderError when the path
 * is not a run folder.
 */
export async function readRun(dir: string): Promise<Run> {
  const abs = resolve(dir);
  const info = await stat(abs).catch(() => null);
  if (!info) throw new RunFolderError(abs, 'no such folder');
  if (!info.isDirectory()) throw new RunFolderError(abs, 'not a folder');
  const problems: string[] = [];

  async function json<T>(name: string): Promise<T | null> {
    const text = await readFile(join(abs, name), 'utf8').catch(() => null);
    if (text === null) {
      problems.push(`${name} is missing`);
      return null;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      problems.push(`${name} is not valid JSON (${(err as Error).message})`);
      return null;
    }
  }

  /** A file only some runs have: its absence is no problem. */
  const optionalJson = <T>(name: string): Promise<T | null> => (existsSync(join(abs, name)) ? json<T>(name) : Promise.resolve(null));

  const manifest = await json<Manifest>(runFileNames.manifest);
  if (!manifest) throw new RunFolderError(abs, `not a run folder (${problems.join('; ')})`);

  const samples: Sample[] = [];
  const samplesFile = join(abs, runFileNames.samples);
  if (existsSync(samplesFile)) {
    for await (const s of readNdjson<Sample>(samplesFile)) samples.push(s);
  } else problems.push(`${runFileNames.samples} is missing`);

  const roles: RoleChange[] = [];
  const rolesFile = join(abs, runFileNames.roles);
  if (existsSync(rolesFile)) {
    let bad = 0;
    for await (const r of readNdjson<RoleChange>(rolesFile, () => bad++)) roles.push(r);
    if (bad) problems.push(`${runFileNames.roles}: ${bad} line(s) not JSON (skipped)`);
  }

  const historyFile = join(abs, runFileNames.history);
  const recordsFile = join(abs, runFileNames.records);
  const queueFile = join(abs, runFileNames.queue);
  const metricsFile = join(abs, runFileNames.metrics);
  if (!existsSync(historyFile) && !existsSync(recordsFile)) problems.push(`${runFileNames.history} is missing`);

  return {
    dir: abs,
    manifest,
    experiment: await json<ExperimentFile>(runFileNames.experiment),
    faults: (await json<FaultRecord[]>(runFileNames.faults)) ?? [],
    roles: roles.sort((a, b) => a.at - b.at),
    samples: samples.sort((a, b) => a.ts - b.ts),
    load: await optionalJson<LoadSummary>(runFileNames.load),
    finalState: await json<FinalState>(runFileNames.finalState),
    afterHeal: await optionalJson<AfterHealObservation>(runFileNames.afterHeal),
    guards: await optionalJson<GuardLog>(runFileNames.guards),
    results: await json<Results>(runFileNames.results),
    logs: (await readdir(join(abs, runFileNames.logs)).catch(() => [] as string[])).sort(),
    problems,
    async *history(onBadLine) {
      if (existsSync(historyFile)) yield* readNdjson<HistoryEntry>(historyFile, onBadLine);
    },
    async *records(onBadLine) {
      if (existsSync(recordsFile)) yield* readNdjson<RecordEntry>(recordsFile, onBadLine);
    },
    async *queue(onBadLine) {
      if (existsSync(queueFile)) yield* readNdjson<QueueEntry>(queueFile, onBadLine);
    },
    async *metrics(onBadLine) {
      if (existsSync(metricsFile)) yield* readNdjson<MetricsScrape>(metricsFile, onBadLine);
    },
  };
}
